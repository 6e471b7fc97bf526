import type { enPush } from './en-push.ts';

/** Spanish strings of background notifications (same keys as en-push.ts). */
export const esPush = {
  'push.title': 'Cuando Charla está cerrado',
  'push.switch': 'Avisarme en este dispositivo cuando Charla esté cerrado',
  'push.hint': 'Tu navegador los entrega a través de su servicio push. El texto de los mensajes viaja cifrado.',
  'push.on': 'Notificaciones activadas en este dispositivo',
  'push.off': 'Notificaciones desactivadas en este dispositivo',
  'push.working': 'Actualizando…',
  'push.denied':
    'Tu navegador bloquea las notificaciones de este sitio. Permítelas en la configuración del sitio y vuelve a intentarlo.',
  'push.unsupported': 'Este navegador no puede recibir notificaciones con Charla cerrado.',
  'push.unavailable': 'Este servidor no envía notificaciones push.',
  'push.failed': 'El navegador no pudo activar las notificaciones: {reason}',
  'push.sw.newMessage': 'Mensaje nuevo',
  'push.sw.newMessages': '{count} mensajes nuevos',
} satisfies Record<keyof typeof enPush, string>;
