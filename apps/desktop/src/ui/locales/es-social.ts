import type { enSocial } from './en-social.ts';

/** Spanish strings of the social features (same keys as en-social.ts). */
export const esSocial: Record<keyof typeof enSocial, string> = {
  'linkPreview.label': 'Vista previa del enlace: {title}',
  'linkPreview.remove': 'Quitar la vista previa del enlace',
  'linkPreview.removed': 'Vista previa del enlace quitada',
  'contacts.title': 'Contactos',
  'contacts.addNamed': 'Añadir a {name} a contactos',
  'contacts.added': '{name} se añadió a tus contactos',
  'contacts.removeNamed': 'Quitar a {name} de contactos',
  'contacts.removed': '{name} se quitó de tus contactos',
  'contacts.nickname': 'Apodo (solo lo ves tú)',
  'contacts.saved': 'Contacto guardado',
  'contacts.favourite': 'Favorito',
  'contacts.starred': '{name} es favorito',
  'contacts.unstarred': '{name} ya no es favorito',
  'contacts.none': 'Aún no tienes contactos. Añade personas desde los detalles de un chat.',
  'newChat.friends': 'Buscar amigos',
  'findFriends.hint':
    'Elige un archivo de contactos (.vcf o .csv) exportado de tu teléfono o correo. Se lee en este dispositivo: solo se envían direcciones de correo cifradas (con hash), y solo se puede encontrar a quien activó que le encuentren por correo.',
  'findFriends.choose': 'Elegir un archivo de contactos',
  'findFriends.tooBig': 'Ese archivo es demasiado grande para ser de contactos (5 MB como máximo).',
  'findFriends.unreadable': 'No se pudo leer ese archivo como contactos (.vcf o .csv).',
  'findFriends.noEmails': 'No hay direcciones de correo en ese archivo.',
  'findFriends.checking': 'Comprobando {count} direcciones…',
  'findFriends.result': '{found} de {count} direcciones son personas en Charla.',
  'findFriends.none':
    'Aún no se puede encontrar a nadie de ese archivo: puede que no estén en Charla o que no hayan activado que les encuentren por correo.',
  'findFriends.found': 'Amigos encontrados',
  'findFriends.inBookAs': 'En tus contactos como {name}',
  'findFriends.message': 'Escribir a {name}',
  'discovery.title': 'Privacidad',
  'discovery.label': 'Permitir que me encuentre quien tenga mi correo',
  'discovery.hint': 'Desactivado por defecto. Solo sabrán que la dirección que ya tienen es tuya.',
  'discovery.on': 'Quien tenga tu correo ya puede encontrarte',
  'discovery.off': 'Ya nadie puede encontrarte por correo',
};
