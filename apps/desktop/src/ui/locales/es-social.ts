import type { enSocial } from './en-social.ts';

/** Spanish strings of the social features (same keys as en-social.ts). */
export const esSocial: Record<keyof typeof enSocial, string> = {
  'linkPreview.label': 'Vista previa del enlace: {title}',
  'linkPreview.remove': 'Quitar la vista previa del enlace',
  'linkPreview.removed': 'Vista previa del enlace quitada',
};
