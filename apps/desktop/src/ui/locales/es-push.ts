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
  'digest.title': 'Correo',
  'digest.switch': 'Avisarme por correo de mensajes directos y menciones sin leer',
  'digest.hint': 'Se envía cuando siguen sin leer y no tienes ningún dispositivo abierto, como mucho una vez por hora.',
  'digest.delay': 'Enviar tras',
  'digest.minutes': '{count} minutos',
  'digest.hour': '1 hora',
  'digest.hours': '{count} horas',
  'digest.hide': 'No incluir el texto de los mensajes en el correo',
  'digest.unverified': 'Verifica tu dirección de correo para recibir estos correos.',
  'digest.saved': 'Ajustes de correo guardados',
  'unsubscribe.title': 'Correos de mensajes sin leer',
  'unsubscribe.ask': '¿Dejar de recibir correos de mensajes sin leer en esta cuenta?',
  'unsubscribe.confirm': 'Dejar de recibirlos',
  'unsubscribe.done': 'Hecho. Ya no recibirás correos de mensajes sin leer. Puedes volver a activarlos en Ajustes.',
  'unsubscribe.used': 'Este enlace ya se usó o ha caducado. Puedes cambiar los ajustes de correo en Ajustes.',
  'unsubscribe.continue': 'Abrir Charla',
} satisfies Record<keyof typeof enPush, string>;
