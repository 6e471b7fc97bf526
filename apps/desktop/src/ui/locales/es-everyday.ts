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
  'voice.record': 'Grabar un mensaje de voz',
  'voice.recording': 'Grabando',
  'voice.cancel': 'Cancelar la grabación',
  'voice.send': 'Enviar mensaje de voz',
  'voice.sending': 'Enviando mensaje de voz…',
  'voice.denied': 'Permite el acceso al micrófono para grabar mensajes de voz.',
  'voice.failed': 'No se puede grabar en este dispositivo.',
  'voice.play': 'Reproducir mensaje de voz, {duration}',
  'voice.pause': 'Pausa',
  'voice.position': 'Posición de reproducción',
  'voice.positionOf': '{at} de {total}',
  'voice.speed': 'Velocidad de reproducción {rate}',
};
