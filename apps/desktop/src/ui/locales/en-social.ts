/** English strings of the social features (link previews, contacts, find friends, profile links, sharing). */
export const enSocial = {
  'linkPreview.label': 'Link preview: {title}',
  'linkPreview.remove': 'Remove link preview',
  'linkPreview.removed': 'Link preview removed',
} as const;
