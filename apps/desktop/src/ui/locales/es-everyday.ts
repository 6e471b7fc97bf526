import type { enEveryday } from './en-everyday.ts';

/** Spanish strings of the everyday-chat features: exactly the keys of en-everyday.ts. */
export const esEveryday: Record<keyof typeof enEveryday, string> = {
  'attach.tray': 'Archivos para enviar',
  'attach.remove': 'Quitar {name}',
  'attach.retry': 'Reintentar {name}',
  'attach.failed': 'Error al subir',
  'attach.tooMany': 'Puedes enviar hasta {max} archivos a la vez.',
  'attach.drop': 'Suelta los archivos para enviarlos',
  'attach.caption': 'Añade un comentario…',
  'attach.waiting': 'Esperando a que terminen las subidas…',
};
