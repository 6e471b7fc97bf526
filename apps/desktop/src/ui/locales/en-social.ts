/** English strings of the social features (link previews, contacts, find friends, profile links, sharing). */
export const enSocial = {
  'linkPreview.label': 'Link preview: {title}',
  'linkPreview.remove': 'Remove link preview',
  'linkPreview.removed': 'Link preview removed',
  'contacts.title': 'Contacts',
  'contacts.addNamed': 'Add {name} to contacts',
  'contacts.added': '{name} added to your contacts',
  'contacts.removeNamed': 'Remove {name} from contacts',
  'contacts.removed': '{name} removed from your contacts',
  'contacts.nickname': 'Nickname (only you see it)',
  'contacts.saved': 'Contact saved',
  'contacts.favourite': 'Favourite',
  'contacts.starred': '{name} is a favourite',
  'contacts.unstarred': '{name} is no longer a favourite',
  'contacts.none': 'No contacts yet. Add people from a chat’s details.',
} as const;
