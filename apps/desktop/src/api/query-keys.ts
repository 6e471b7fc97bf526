/** Every react-query key in one place, so cache updaters and screens agree. */
export const keys = {
  me: ['me'] as const,
  providers: ['auth', 'providers'] as const,
  conversations: ['conversations'] as const,
  messages: (conversationId: string) => ['messages', conversationId] as const,
  participants: (conversationId: string) => ['participants', conversationId] as const,
  invites: (conversationId: string) => ['invites', conversationId] as const,
  invitePreview: (code: string) => ['invite', code] as const,
  users: (q: string) => ['users', q] as const,
  user: (id: string) => ['user', id] as const,
  directory: (q: string) => ['directory', q] as const,
  search: (q: string) => ['search', q] as const,
  sessions: ['sessions'] as const,
  blocked: ['blocked'] as const,
  contacts: ['contacts'] as const,
  discovery: ['discovery'] as const,
};
