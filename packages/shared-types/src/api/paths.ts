/** REST paths under /api/v1, shared by server routes and the client. */
export const API_PREFIX = '/api/v1';

export const paths = {
  /** GET (public): limits clients check before sending (ServerConfig). */
  config: '/config',
  auth: {
    /** 202 "check your email" for a new and a taken address alike; no session yet. */
    register: '/auth/register',
    /** { email, code } or { token }: verifies the email, creates the account and signs in. */
    registerVerify: '/auth/register/verify',
    /** { email }: another code (at most once a minute per address); always 202. */
    registerResend: '/auth/register/resend',
    login: '/auth/login',
    refresh: '/auth/refresh',
    logout: '/auth/logout',
    logoutAll: '/auth/logout-all',
    me: '/auth/me',
    sessions: '/auth/sessions',
    session: (id: string) => `/auth/sessions/${encodeURIComponent(id)}`,
    verifyEmail: '/auth/verify-email',
    resendVerification: '/auth/resend-verification',
    forgotPassword: '/auth/forgot-password',
    resetPassword: '/auth/reset-password',
    changePassword: '/auth/change-password',
    providers: '/auth/providers',
    /** GET ?client=web|desktop[&redirect=&code_challenge=&code_challenge_method=S256&state=] -> 302 to the provider. */
    oidcStart: (provider: string) => `/auth/oidc/${encodeURIComponent(provider)}/start`,
    /** The redirect URI to register with the provider (under PUBLIC_URL). */
    oidcCallback: (provider: string) => `/auth/oidc/${encodeURIComponent(provider)}/callback`,
    oidcNonce: (provider: string) => `/auth/oidc/${encodeURIComponent(provider)}/nonce`,
    oidcIdToken: (provider: string) => `/auth/oidc/${encodeURIComponent(provider)}/id-token`,
    oidcExchange: '/auth/oidc/exchange',
    /** POST (signed in, web): starts linking this provider to my account -> { location } to open. */
    oidcLink: (provider: string) => `/auth/oidc/${encodeURIComponent(provider)}/link`,
    /** GET my linked external accounts; DELETE …/:id unlinks one (never the last way to sign in). */
    linkedAccounts: '/auth/linked-accounts',
    linkedAccount: (id: string) => `/auth/linked-accounts/${encodeURIComponent(id)}`,
  },
  spaces: {
    /** GET the spaces I am in (the home space first, with unread counts); POST creates one. */
    list: '/spaces',
    /** GET (member, or anyone when it is open to them); PATCH settings (owner/admin); DELETE schedules deletion (owner). */
    byId: (id: string) => `/spaces/${encodeURIComponent(id)}`,
    /** GET by slug (for /s/<slug> links). */
    bySlug: (slug: string) => `/spaces/by-slug/${encodeURIComponent(slug)}`,
    /** POST: join an open space (or one open to my email's domain). */
    join: (id: string) => `/spaces/${encodeURIComponent(id)}/join`,
    /** POST: leave (an owner must hand ownership over first). */
    leave: (id: string) => `/spaces/${encodeURIComponent(id)}/leave`,
    /** POST: cancel a scheduled deletion (owner). */
    restore: (id: string) => `/spaces/${encodeURIComponent(id)}/restore`,
    members: (id: string) => `/spaces/${encodeURIComponent(id)}/members`,
    member: (id: string, userId: string) => `/spaces/${encodeURIComponent(id)}/members/${encodeURIComponent(userId)}`,
    /** GET list / POST create invite links (owner/admin). */
    invites: (id: string) => `/spaces/${encodeURIComponent(id)}/invites`,
    /** GET preview (signed in); POST joins. */
    invite: (code: string) => `/spaces/invites/${encodeURIComponent(code)}`,
    /** GET (owner): a streamed JSON archive of the space. */
    export: (id: string) => `/spaces/${encodeURIComponent(id)}/export`,
    /** GET (space owners and admins): the space's moderation queue; PATCH …/:reportId closes one. */
    reports: (id: string) => `/spaces/${encodeURIComponent(id)}/reports`,
    report: (id: string, reportId: string) =>
      `/spaces/${encodeURIComponent(id)}/reports/${encodeURIComponent(reportId)}`,
    /** DELETE (space owners and admins): removes a message of the space for everyone. */
    message: (id: string, messageId: string) =>
      `/spaces/${encodeURIComponent(id)}/messages/${encodeURIComponent(messageId)}`,
    /** GET (site admins): every space. */
    adminList: '/admin/spaces',
    /** PUT { mongoUri } (site admins, MongoDB only): the space's own deployment. */
    adminDatabase: (id: string) => `/admin/spaces/${encodeURIComponent(id)}/database`,
  },
  users: {
    list: '/users',
    me: '/users/me',
    byId: (id: string) => `/users/${encodeURIComponent(id)}`,
    block: (id: string) => `/users/${encodeURIComponent(id)}/block`,
    blocked: '/users/me/blocked',
    /** GET all mine; PUT/DELETE …/:network. */
    mySocialLinks: '/users/me/social-links',
    mySocialLink: (network: string) => `/users/me/social-links/${encodeURIComponent(network)}`,
    /** GET the ones this person lets me see. */
    socialLinks: (id: string) => `/users/${encodeURIComponent(id)}/social-links`,
  },
  discovery: {
    /** GET my setting and the hash salt; PUT { discoverableByEmail }. */
    me: '/discovery/me',
    /** POST { hashes }: who among these may be found (rate-limited per user). */
    lookup: '/discovery/lookup',
  },
  profiles: {
    /** GET my own profile links (web and app). */
    me: '/profiles/me',
    /** GET the person with this username (exact, case-insensitive). */
    byUsername: (username: string) => `/profiles/${encodeURIComponent(username)}`,
  },
  contacts: {
    /** GET: my contacts, favourites first. */
    list: '/contacts',
    /** PUT adds or updates (nickname, favourite); DELETE removes. */
    byUser: (userId: string) => `/contacts/${encodeURIComponent(userId)}`,
  },
  conversations: {
    list: '/conversations',
    create: '/conversations',
    /** GET ?q= */
    publicDirectory: '/conversations/public',
    /** GET ?since=: which conversations changed (cheap catch-up entry point). */
    sync: '/conversations/sync',
    byId: (id: string) => `/conversations/${encodeURIComponent(id)}`,
    join: (id: string) => `/conversations/${encodeURIComponent(id)}/join`,
    leave: (id: string) => `/conversations/${encodeURIComponent(id)}/leave`,
    me: (id: string) => `/conversations/${encodeURIComponent(id)}/me`,
    participants: (id: string) => `/conversations/${encodeURIComponent(id)}/participants`,
    participant: (id: string, userId: string) =>
      `/conversations/${encodeURIComponent(id)}/participants/${encodeURIComponent(userId)}`,
    /** GET ?before=&after=&around=&limit=, POST sends. */
    messages: (id: string) => `/conversations/${encodeURIComponent(id)}/messages`,
    read: (id: string) => `/conversations/${encodeURIComponent(id)}/read`,
    delivered: (id: string) => `/conversations/${encodeURIComponent(id)}/delivered`,
    /** GET ?after=N */
    changes: (id: string) => `/conversations/${encodeURIComponent(id)}/changes`,
    invites: (id: string) => `/conversations/${encodeURIComponent(id)}/invites`,
    /** GET ?kind=media|file|link&cursor=&limit=: what the conversation shared, newest first (members). */
    shared: (id: string) => `/conversations/${encodeURIComponent(id)}/shared`,
    invite: (id: string, code: string) =>
      `/conversations/${encodeURIComponent(id)}/invites/${encodeURIComponent(code)}`,
  },
  translation: {
    /** GET: enabled, languages, today's use. */
    status: '/translation',
    /** GET / PUT { auto }: my "Translate automatically" in one conversation. */
    conversation: (id: string) => `/conversations/${encodeURIComponent(id)}/translation`,
    /** POST { messageIds, target }: a screenful. */
    translate: (id: string) => `/conversations/${encodeURIComponent(id)}/translations`,
  },
  messages: {
    /** PATCH edits, DELETE ?for=everyone|me */
    byId: (id: string) => `/messages/${encodeURIComponent(id)}`,
    forward: (id: string) => `/messages/${encodeURIComponent(id)}/forward`,
    /** PUT adds, DELETE removes. */
    reaction: (id: string, emoji: string) =>
      `/messages/${encodeURIComponent(id)}/reactions/${encodeURIComponent(emoji)}`,
    receipts: (id: string) => `/messages/${encodeURIComponent(id)}/receipts`,
    /** DELETE: the sender takes the link preview off (200 with the message). */
    linkPreview: (id: string) => `/messages/${encodeURIComponent(id)}/link-preview`,
  },
  linkPreviews: {
    /** GET the re-encoded preview image (no token: the random id is the capability). */
    image: (imageId: string) => `/link-previews/images/${encodeURIComponent(imageId)}`,
  },
  invites: {
    /** GET previews without joining. */
    byCode: (code: string) => `/invites/${encodeURIComponent(code)}`,
    accept: (code: string) => `/invites/${encodeURIComponent(code)}/accept`,
  },
  media: {
    /** POST multipart (field `file`). */
    upload: '/media',
    /** GET the bytes (Authorization header or `?t=` signed token); Range supported. */
    byId: (id: string) => `/media/${encodeURIComponent(id)}`,
    thumbnail: (id: string) => `/media/${encodeURIComponent(id)}/thumbnail`,
    /** GET ?via=<messageId>: the Media DTO with fresh signed URLs (404 unless you may see it). */
    meta: (id: string) => `/media/${encodeURIComponent(id)}/meta`,
    /** PUT multipart (field `file`), DELETE removes. */
    myAvatar: '/users/me/avatar',
    /** PUT multipart (group owners/admins). */
    conversationAvatar: (id: string) => `/conversations/${encodeURIComponent(id)}/avatar`,
  },
  reports: {
    /** POST { messageId | userId | conversationId, reason, note } */
    create: '/reports',
    /** GET ?status=&cursor=&limit=: reports about messages in the group (group owners/admins). */
    forConversation: (id: string) => `/conversations/${encodeURIComponent(id)}/reports`,
    /** PATCH { status: resolved|dismissed, note } (group owners/admins). */
    conversationReport: (id: string, reportId: string) =>
      `/conversations/${encodeURIComponent(id)}/reports/${encodeURIComponent(reportId)}`,
  },
  admin: {
    /** GET ?status=&cursor=&limit= */
    reports: '/admin/reports',
    /** PATCH { status: resolved|dismissed, note } */
    report: (id: string) => `/admin/reports/${encodeURIComponent(id)}`,
    /** DELETE: delete any message for everyone. */
    message: (id: string) => `/admin/messages/${encodeURIComponent(id)}`,
    /** GET ?q=&cursor=&limit= */
    users: '/admin/users',
    /** POST { reason } suspends, DELETE unsuspends. */
    suspension: (id: string) => `/admin/users/${encodeURIComponent(id)}/suspension`,
    /** PUT { role: 'admin' | 'user' }: promote or demote (never yourself, never the last admin). */
    role: (id: string) => `/admin/users/${encodeURIComponent(id)}/role`,
    /** GET ?actorId=&targetId=&cursor=&limit= */
    audit: '/admin/audit',
    /** GET ?days=30 */
    stats: '/admin/stats',
  },
  points: {
    /** GET my level, points and achievements with progress. */
    me: '/points/me',
    /** PUT { visibility }: who sees my points and badges. */
    settings: '/points/me/settings',
    /** GET ?cursor=&limit=: my ledger, newest first. */
    ledger: '/points/me/ledger',
    /** GET someone's level, points and badges (when their privacy setting allows). */
    user: (id: string) => `/points/users/${encodeURIComponent(id)}`,
    /** GET ?period=week|all&limit=; PUT { enabled } (group/channel owners and admins). */
    leaderboard: (conversationId: string) => `/points/conversations/${encodeURIComponent(conversationId)}/leaderboard`,
    /** GET ?cursor=&limit=: a user's ledger (site admins). */
    adminLedger: (userId: string) => `/admin/points/users/${encodeURIComponent(userId)}/ledger`,
    /** POST { reason }: reverse an award with a compensating entry (site admins; audited). */
    adminReverse: (entryId: string) => `/admin/points/entries/${encodeURIComponent(entryId)}/reversal`,
  },
  search: {
    /** GET ?q=&conversationId=&cursor=&limit= */
    messages: '/search/messages',
  },
} as const;

/** Invite link forms: the web one under the web client's URL (WEB_URL, else PUBLIC_URL), the desktop deep link. */
/** A group invite in a space names the space (`?space=`): the invite lives in the space's database. */
export const inviteWebUrl = (webUrl: string, code: string, spaceId?: string) =>
  `${webUrl.replace(/\/$/, '')}/invite/${encodeURIComponent(code)}${
    spaceId && spaceId !== 'home' ? `?space=${encodeURIComponent(spaceId)}` : ''
  }`;
/** A public channel's shareable page (unfurls with the channel's card; the web client opens the channel). */
export const channelWebUrl = (webUrl: string, conversationId: string) =>
  `${webUrl.replace(/\/$/, '')}/channel/${encodeURIComponent(conversationId)}`;
export const inviteDesktopUrl = (code: string) => `charla://invite/${encodeURIComponent(code)}`;

/** Header a web client sends on cookie-authenticated calls (CSRF defence beside SameSite=Strict). */
export const CSRF_HEADER = 'x-charla-csrf';

/** A person's profile link (opens a chat with them) on the web client, and in the desktop app. */
export const profileWebUrl = (webUrl: string, username: string) =>
  `${webUrl.replace(/\/$/, '')}/u/${encodeURIComponent(username)}`;
export const profileAppUrl = (username: string) => `charla://u/${encodeURIComponent(username)}`;
