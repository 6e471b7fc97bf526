/** English strings of the everyday-chat features (composer tray, voice notes, viewer, menus, appearance). */
export const enEveryday = {
  'attach.tray': 'Files to send',
  'attach.remove': 'Remove {name}',
  'attach.retry': 'Try {name} again',
  'attach.failed': 'Upload failed',
  'attach.tooMany': 'You can send up to {max} files at once.',
  'attach.drop': 'Drop files to send them',
  'attach.caption': 'Add a caption…',
  'attach.waiting': 'Waiting for uploads to finish…',
} as const;
