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
};
