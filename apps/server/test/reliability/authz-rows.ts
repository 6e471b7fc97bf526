/**
 * The rows of the authorization matrix (authz-matrix.test.ts): every REST route and socket event with
 * the request a cell sends and the status each subject must get. The space isolation matrix
 * (space-isolation.test.ts) sends the same requests at another space's ids.
 */
import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import { connectSocket } from '../chat.ts';
import { registerUser } from '../harness.ts';
import {
  type Cell,
  freshSpace,
  inWorldSpace,
  restIn,
  SUBJECTS,
  type Subject,
  tokenFor,
  type World,
} from './authz-fixtures.ts';

export type Req = { params?: Record<string, string>; body?: unknown; query?: string };
export type Spec = { req?: (c: Cell, w: World) => Req | Promise<Req>; expect: string };

// Column order: anon expired revoked suspended nonMember member groupAdmin siteAdmin blocked
export const PUBLIC = (status: number) => Array(9).fill(String(status)).join(' ');
export const AUTHED = (rest: string) => `401 401 401 401 ${rest}`;

const newAccount = () => {
  const tag = randomUUID().slice(0, 8);
  return { email: `m-${tag}@example.com`, password: 'a fine long password', displayName: 'M', client: 'desktop' };
};

export const REST: Record<string, Spec> = {
  // ---- auth (public endpoints answer everyone alike; the token is not what they check) ----
  // Sign-up answers 202 "check your email" (no session); the code completes it.
  'POST /auth/register': { req: () => ({ body: newAccount() }), expect: PUBLIC(202) },
  'POST /auth/register/verify': {
    req: () => ({
      body: { email: newAccount().email, code: '000000', password: 'a fine long password', client: 'desktop' },
    }),
    expect: PUBLIC(400),
  },
  'POST /auth/register/resend': { req: () => ({ body: { email: newAccount().email } }), expect: PUBLIC(202) },
  'POST /auth/login': {
    req: (_c, w) => ({ body: { login: w.bystander.email, password: w.bystander.password, client: 'desktop' } }),
    expect: PUBLIC(200),
  },
  'POST /auth/refresh': { req: () => ({ body: { refreshToken: 'x'.repeat(43) } }), expect: PUBLIC(401) },
  // Without a refresh token in the body, logout needs a live access token to know which session.
  'POST /auth/logout': { req: () => ({ body: {} }), expect: AUTHED('200 200 200 200 200') },
  'POST /auth/logout-all': { expect: AUTHED('200 200 200 200 200') },
  'GET /auth/me': { expect: AUTHED('200 200 200 200 200') },
  'GET /auth/sessions': { expect: AUTHED('200 200 200 200 200') },
  'DELETE /auth/sessions/:id': { req: (c) => ({ params: { id: c.extra } }), expect: AUTHED('404 404 404 404 404') },
  'POST /auth/verify-email': { req: () => ({ body: { token: 'x'.repeat(43) } }), expect: PUBLIC(400) },
  'POST /auth/resend-verification': { expect: AUTHED('202 202 202 202 202') },
  'POST /auth/forgot-password': { req: () => ({ body: { email: 'nobody@example.com' } }), expect: PUBLIC(202) },
  'POST /auth/reset-password': {
    req: () => ({ body: { token: 'x'.repeat(43), password: 'a fine long password' } }),
    expect: PUBLIC(400),
  },
  'POST /auth/change-password': {
    req: () => ({ body: { currentPassword: 'not the password', newPassword: 'another fine password' } }),
    expect: AUTHED('400 400 400 400 400'),
  },
  'GET /auth/providers': { expect: PUBLIC(200) },
  'GET /auth/oidc/:provider/start': { req: () => ({ params: { provider: 'google' } }), expect: PUBLIC(404) },
  'GET /auth/oidc/:provider/callback': { req: () => ({ params: { provider: 'google' } }), expect: PUBLIC(404) },
  'POST /auth/oidc/exchange': { req: () => ({ body: { code: 'x'.repeat(43) } }), expect: PUBLIC(400) },
  'POST /auth/oidc/:provider/nonce': { req: () => ({ params: { provider: 'google' } }), expect: PUBLIC(404) },
  'POST /auth/oidc/:provider/id-token': {
    req: () => ({ params: { provider: 'google' }, body: { idToken: 'x.y.z', nonce: 'n'.repeat(20) } }),
    expect: PUBLIC(400),
  },
  // Linked accounts: signed in only; linking an unconfigured provider and an unknown link are 404.
  'POST /auth/oidc/:provider/link': {
    req: () => ({ params: { provider: 'google' } }),
    expect: AUTHED('404 404 404 404 404'),
  },
  'GET /auth/linked-accounts': { expect: AUTHED('200 200 200 200 200') },
  'DELETE /auth/linked-accounts/:id': {
    req: (c) => ({ params: { id: c.extra } }),
    expect: AUTHED('404 404 404 404 404'),
  },
  // ---- users ----
  'GET /users': { req: () => ({ query: 'q=user' }), expect: AUTHED('200 200 200 200 200') },
  'GET /users/me': { expect: AUTHED('200 200 200 200 200') },
  'PATCH /users/me': { req: () => ({ body: { about: 'matrix' } }), expect: AUTHED('200 200 200 200 200') },
  'DELETE /users/me': {
    req: () => ({ body: { password: 'not the password' } }),
    expect: AUTHED('400 400 400 400 400'),
  },
  'GET /users/me/blocked': { expect: AUTHED('200 200 200 200 200') },
  // The owner's profile stays visible to the user the owner blocked (presence is what blocking hides).
  'GET /users/:id': { req: (_c, w) => ({ params: { id: w.owner.user.id } }), expect: AUTHED('200 200 200 200 200') },
  'POST /users/:id/block': {
    req: (_c, w) => ({ params: { id: w.bystander.user.id } }),
    expect: AUTHED('200 200 200 200 200'),
  },
  'DELETE /users/:id/block': {
    req: (_c, w) => ({ params: { id: w.bystander.user.id } }),
    expect: AUTHED('200 200 200 200 200'),
  },
  // ---- notifications (per device and per account: nothing here is another user's) ----
  'GET /notifications/push/config': { expect: AUTHED('200 200 200 200 200') },
  'GET /notifications/push/subscription': { expect: AUTHED('200 200 200 200 200') },
  'PUT /notifications/push/subscription': {
    req: () => ({
      body: {
        endpoint: `https://push.example.com/send/${randomUUID()}`,
        keys: {
          p256dh: createECDH('prime256v1').generateKeys().toString('base64url'),
          auth: randomBytes(16).toString('base64url'),
        },
        prefs: { level: 'all', hideContent: false, doNotDisturb: false, locale: 'en' },
      },
    }),
    expect: AUTHED('200 200 200 200 200'),
  },
  'DELETE /notifications/push/subscription': { expect: AUTHED('200 200 200 200 200') },
  'GET /notifications/email': { expect: AUTHED('200 200 200 200 200') },
  'PATCH /notifications/email': { req: () => ({ body: { hideContent: true } }), expect: AUTHED('200 200 200 200 200') },
  // The mailed single-use token is the credential: an unknown one is 404 to everyone.
  'POST /notifications/email/unsubscribe': { req: () => ({ body: { token: 'x'.repeat(43) } }), expect: PUBLIC(404) },
  // ---- contacts (each caller's own list; adding someone tells them nothing) ----
  'GET /contacts': { expect: AUTHED('200 200 200 200 200') },
  'PUT /contacts/:userId': {
    req: (_c, w) => ({ params: { userId: w.bystander.user.id }, body: { nickname: 'By' } }),
    expect: AUTHED('201 201 201 201 201'),
  },
  'DELETE /contacts/:userId': { req: (c) => ({ params: { userId: c.extra } }), expect: AUTHED('404 404 404 404 404') },
  // ---- find friends (own setting; lookups answer only people who opted in) ----
  'GET /discovery/me': { expect: AUTHED('200 200 200 200 200') },
  'PUT /discovery/me': { req: () => ({ body: { discoverableByEmail: false } }), expect: AUTHED('200 200 200 200 200') },
  'POST /discovery/lookup': {
    req: () => ({ body: { hashes: ['0'.repeat(64)] } }),
    expect: AUTHED('200 200 200 200 200'),
  },
  // ---- profile links (resolve a username to a public profile; signed-in only) ----
  'GET /profiles/me': { expect: AUTHED('200 200 200 200 200') },
  'GET /profiles/:username': {
    req: (_c, w) => ({ params: { username: w.bystander.username } }),
    expect: AUTHED('200 200 200 200 200'),
  },
  // ---- social links (mine to edit; others' filtered by visibility) ----
  'GET /users/me/social-links': { expect: AUTHED('200 200 200 200 200') },
  'PUT /users/me/social-links/:network': {
    req: () => ({ params: { network: 'x' }, body: { handle: 'matrix' } }),
    expect: AUTHED('201 201 201 201 201'),
  },
  'DELETE /users/me/social-links/:network': {
    req: () => ({ params: { network: 'instagram' } }),
    expect: AUTHED('404 404 404 404 404'),
  },
  'GET /users/:id/social-links': {
    req: (_c, w) => ({ params: { id: w.owner.user.id } }),
    expect: AUTHED('200 200 200 200 200'),
  },
  // ---- media (no multipart body: refused after authentication; unknown ids are 404 to everyone) ----
  'POST /media': { expect: AUTHED('415 415 415 415 415') },
  'GET /media/:id/meta': { req: (c) => ({ params: { id: c.extra } }), expect: AUTHED('404 404 404 404 404') },
  // Bytes accept a header or a signed ?t=: with neither it is 401; with a (even stale) token, 404.
  'GET /media/:id': { req: (c) => ({ params: { id: c.extra } }), expect: '401 404 404 404 404 404 404 404 404' },
  'GET /media/:id/thumbnail': {
    req: (c) => ({ params: { id: c.extra } }),
    expect: '401 404 404 404 404 404 404 404 404',
  },
  'PUT /users/me/avatar': { expect: AUTHED('415 415 415 415 415') },
  'DELETE /users/me/avatar': { expect: AUTHED('200 200 200 200 200') },
  'PUT /conversations/:id/avatar': { expect: AUTHED('404 403 415 404 403') },
  // ---- conversations ----
  'GET /conversations': { expect: AUTHED('200 200 200 200 200') },
  'POST /conversations': {
    req: () => ({ body: { kind: 'group', title: 'Mine' } }),
    expect: AUTHED('201 201 201 201 201'),
  },
  'GET /conversations/public': { expect: AUTHED('200 200 200 200 200') },
  'GET /conversations/sync': { expect: AUTHED('200 200 200 200 200') },
  'GET /conversations/:id': { expect: AUTHED('404 200 200 404 200') },
  'PATCH /conversations/:id': { req: () => ({ body: { title: 'Renamed' } }), expect: AUTHED('404 403 200 404 403') },
  'DELETE /conversations/:id': { expect: AUTHED('404 403 403 404 403') },
  // Joining is for public channels: a private group is not found, members included.
  'POST /conversations/:id/join': { expect: AUTHED('404 404 404 404 404') },
  'POST /conversations/:id/leave': { expect: AUTHED('404 200 200 404 200') },
  'PATCH /conversations/:id/me': { req: () => ({ body: { archived: true } }), expect: AUTHED('404 200 200 404 200') },
  'GET /conversations/:id/changes': { req: () => ({ query: 'after=0' }), expect: AUTHED('404 200 200 404 200') },
  // What the conversation shared (details panel): members only, like its history.
  'GET /conversations/:id/shared': { req: () => ({ query: 'kind=media' }), expect: AUTHED('404 200 200 404 200') },
  'GET /conversations/:id/participants': { expect: AUTHED('404 200 200 404 200') },
  'POST /conversations/:id/participants': {
    req: (_c, w) => ({ body: { userIds: [w.bystander.user.id] } }),
    expect: AUTHED('404 403 201 404 403'),
  },
  'PATCH /conversations/:id/participants/:userId': {
    req: (_c, w) => ({ params: { userId: w.users.member.user.id }, body: { role: 'admin' } }),
    expect: AUTHED('404 403 200 404 403'),
  },
  'DELETE /conversations/:id/participants/:userId': {
    req: (_c, w) => ({ params: { userId: w.users.member.user.id } }),
    expect: AUTHED('404 200 200 404 403'),
  },
  // ---- messages ----
  'GET /conversations/:id/messages': { expect: AUTHED('404 200 200 404 200') },
  'POST /conversations/:id/messages': {
    req: () => ({ body: { clientMsgId: randomUUID(), text: 'hi' } }),
    expect: AUTHED('404 201 201 404 201'),
  },
  'POST /conversations/:id/read': { req: () => ({ body: { seq: 1 } }), expect: AUTHED('404 200 200 404 200') },
  'POST /conversations/:id/delivered': { req: () => ({ body: { seq: 1 } }), expect: AUTHED('404 200 200 404 200') },
  // The owner's message: nobody else may edit it; a group admin may delete it (moderation).
  'PATCH /messages/:id': {
    req: (c) => ({ params: { id: c.messageId }, body: { text: 'edited' } }),
    expect: AUTHED('404 403 403 404 403'),
  },
  'DELETE /messages/:id': { req: (c) => ({ params: { id: c.messageId } }), expect: AUTHED('404 403 200 404 403') },
  'POST /messages/:id/forward': {
    req: (c) => ({ params: { id: c.messageId }, body: { conversationIds: [c.id], clientMsgId: randomUUID() } }),
    expect: AUTHED('404 201 201 404 201'),
  },
  'PUT /messages/:id/reactions/:emoji': {
    req: (c) => ({ params: { id: c.messageId, emoji: '👍' } }),
    expect: AUTHED('404 200 200 404 200'),
  },
  'DELETE /messages/:id/reactions/:emoji': {
    req: (c) => ({ params: { id: c.messageId, emoji: '👍' } }),
    expect: AUTHED('404 200 200 404 200'),
  },
  // Only the sender may take a link preview off; others who see the message get 403.
  'DELETE /messages/:id/link-preview': {
    req: (c) => ({ params: { id: c.messageId } }),
    expect: AUTHED('404 403 403 404 403'),
  },
  // Preview images are capability URLs (random id; <img> sends no token): unknown ids are 404 to all.
  'GET /link-previews/images/:id': { req: (c) => ({ params: { id: c.extra } }), expect: PUBLIC(404) },
  // Receipts of a group message are visible to its members.
  'GET /messages/:id/receipts': {
    req: (c) => ({ params: { id: c.messageId } }),
    expect: AUTHED('404 200 200 404 200'),
  },
  // ---- invites ----
  'POST /conversations/:id/invites': { req: () => ({ body: {} }), expect: AUTHED('404 403 201 404 403') },
  'GET /conversations/:id/invites': { expect: AUTHED('404 403 200 404 403') },
  'DELETE /conversations/:id/invites/:code': {
    req: (c) => ({ params: { code: c.code } }),
    expect: AUTHED('404 403 200 404 403'),
  },
  'GET /invites/:code': { req: (c) => ({ params: { code: c.code } }), expect: AUTHED('200 200 200 200 200') },
  'POST /invites/:code/accept': { req: (c) => ({ params: { code: c.code } }), expect: AUTHED('200 200 200 200 200') },
  // ---- moderation: members report, group admins handle their group's reports ----
  'POST /reports': {
    req: (c) => ({ body: { messageId: c.messageId, reason: 'spam' } }),
    expect: AUTHED('404 201 201 404 201'),
  },
  'GET /conversations/:id/reports': { expect: AUTHED('404 403 200 404 403') },
  'PATCH /conversations/:id/reports/:reportId': {
    req: async (c, w) => ({ params: { reportId: await reportBy(w, c) }, body: { status: 'dismissed' } }),
    expect: AUTHED('404 403 200 404 403'),
  },
  // ---- site administration: site admins only ----
  'GET /admin/reports': { expect: AUTHED('403 403 403 200 403') },
  'PATCH /admin/reports/:id': {
    req: async (c, w) => ({ params: { id: await reportBy(w, c) }, body: { status: 'resolved' } }),
    expect: AUTHED('403 403 403 200 403'),
  },
  'DELETE /admin/messages/:id': {
    req: (c) => ({ params: { id: c.messageId } }),
    expect: AUTHED('403 403 403 200 403'),
  },
  'GET /admin/users': { expect: AUTHED('403 403 403 200 403') },
  'POST /admin/users/:id/suspension': {
    req: async (_c, w) => ({ params: { id: (await registerUser(w.t)).user.id }, body: {} }),
    expect: AUTHED('403 403 403 200 403'),
  },
  'DELETE /admin/users/:id/suspension': {
    req: async (_c, w) => ({ params: { id: (await registerUser(w.t)).user.id } }),
    expect: AUTHED('403 403 403 200 403'),
  },
  // Demoting another admin is a site-admin action (never one's own role, never the last admin).
  'PUT /admin/users/:id/role': {
    req: async (_c, w) => ({ params: { id: (await registerUser(w.t)).user.id }, body: { role: 'user' } }),
    expect: AUTHED('403 403 403 200 403'),
  },
  'GET /admin/audit': { expect: AUTHED('403 403 403 200 403') },
  'GET /admin/stats': { expect: AUTHED('403 403 403 200 403') },
  // ---- end-to-end encryption (the cell's group is a plain one: members get 409 "not encrypted") ----
  'POST /e2ee/devices': {
    req: () => ({
      body: { deviceId: randomUUID(), name: 'Matrix', signatureKey: Buffer.alloc(32, 7).toString('base64') },
    }),
    expect: AUTHED('201 201 201 201 201'),
  },
  'GET /e2ee/devices/me': { expect: AUTHED('200 200 200 200 200') },
  // Public records of devices by id; unknown ids are 404 to everyone, others' devices cannot be revoked.
  'GET /e2ee/devices/:deviceId': {
    req: (c) => ({ params: { deviceId: c.extra } }),
    expect: AUTHED('404 404 404 404 404'),
  },
  'DELETE /e2ee/devices/:deviceId': {
    req: (c) => ({ params: { deviceId: c.extra } }),
    expect: AUTHED('404 404 404 404 404'),
  },
  'GET /e2ee/devices/:deviceId/key-packages': {
    req: (c) => ({ params: { deviceId: c.extra } }),
    expect: AUTHED('404 404 404 404 404'),
  },
  'POST /e2ee/devices/:deviceId/key-packages': {
    req: (c) => ({ params: { deviceId: c.extra }, body: {} }),
    expect: AUTHED('404 404 404 404 404'),
  },
  'GET /e2ee/conversations/:id/group': { expect: AUTHED('404 409 409 404 409') },
  'POST /e2ee/conversations/:id/key-packages/claim': {
    req: (c) => ({ body: { deviceIds: [c.extra] } }),
    expect: AUTHED('404 409 409 404 409'),
  },
  'POST /e2ee/conversations/:id/commits': {
    req: (c) => ({ body: { deviceId: c.extra, epoch: 0, commit: 'AAAA' } }),
    expect: AUTHED('404 409 409 404 409'),
  },
  'GET /e2ee/conversations/:id/messages': { expect: AUTHED('404 409 409 404 409') },
  'POST /e2ee/conversations/:id/messages': {
    req: (c) => ({
      body: { deviceId: c.extra, epoch: 0, ciphertext: 'AAAA', frankingTag: 'AAAA', clientMsgId: randomUUID() },
    }),
    expect: AUTHED('404 409 409 404 409'),
  },
  'POST /e2ee/conversations/:id/blobs': { expect: AUTHED('404 409 409 404 409') },
  'GET /e2ee/blobs/:blobId': { req: (c) => ({ params: { blobId: c.extra } }), expect: AUTHED('404 404 404 404 404') },
  'DELETE /e2ee/blobs/:blobId': {
    req: (c) => ({ params: { blobId: c.extra } }),
    expect: AUTHED('404 404 404 404 404'),
  },
  'POST /e2ee/reports': {
    req: (c) => ({ body: { messageId: c.extra, payload: 'AAAA', frankingKey: 'AAAA', reason: 'spam' } }),
    expect: AUTHED('404 404 404 404 404'),
  },
  'GET /e2ee/reports/:reportId/evidence': {
    req: (c) => ({ params: { reportId: c.extra } }),
    expect: AUTHED('404 404 404 404 404'),
  },
  'GET /e2ee/welcomes': { req: (c) => ({ query: `deviceId=${c.extra}` }), expect: AUTHED('404 404 404 404 404') },
  'DELETE /e2ee/welcomes/:welcomeId': {
    req: (c) => ({ params: { welcomeId: c.extra }, query: `deviceId=${c.extra}` }),
    expect: AUTHED('404 404 404 404 404'),
  },
  // ---- points: my own are mine; boards follow membership; the ledger of others is for site admins ----
  'GET /points/me': { expect: AUTHED('200 200 200 200 200') },
  'PUT /points/me/settings': {
    req: () => ({ body: { visibility: 'members' } }),
    expect: AUTHED('200 200 200 200 200'),
  },
  'GET /points/me/ledger': { expect: AUTHED('200 200 200 200 200') },
  // Anyone may ask; the answer says { visible: false } when the owner's privacy setting hides them.
  'GET /points/users/:id': {
    req: (_c, w) => ({ params: { id: w.owner.user.id } }),
    expect: AUTHED('200 200 200 200 200'),
  },
  'GET /points/conversations/:id/leaderboard': { expect: AUTHED('404 200 200 404 200') },
  'PUT /points/conversations/:id/leaderboard': {
    req: () => ({ body: { enabled: true } }),
    expect: AUTHED('404 403 200 404 403'),
  },
  'GET /admin/points/users/:id/ledger': {
    req: (_c, w) => ({ params: { id: w.owner.user.id } }),
    expect: AUTHED('403 403 403 200 403'),
  },
  'POST /admin/points/entries/:id/reversal': {
    req: async (c, w) => {
      const [out] = await inWorldSpace(w, (s) =>
        s.points.award([
          {
            userId: w.owner.user.id,
            ruleId: 'reaction_received',
            eventKey: `matrix:${c.extra}:${randomUUID()}`,
            points: 1,
            dailyCap: 1_000_000,
            conversationId: c.id,
            messageId: c.messageId,
            causeMessageId: null,
            detail: {},
            createdAt: new Date(),
          },
        ]),
      );
      const id = out?.status === 'awarded' ? out.entry.id : 'missing';
      return { params: { id }, body: { reason: 'authorization matrix' } };
    },
    expect: AUTHED('403 403 403 201 403'),
  },
  // ---- search ----
  'GET /search/messages': { req: () => ({ query: 'q=hello' }), expect: AUTHED('200 200 200 200 200') },
  // ---- translation (no provider configured here: a member's translate is 503, never 500) ----
  'GET /translation': { expect: AUTHED('200 200 200 200 200') },
  'GET /conversations/:id/translation': { expect: AUTHED('404 200 200 404 200') },
  'PUT /conversations/:id/translation': {
    req: () => ({ body: { auto: false } }),
    expect: AUTHED('404 200 200 404 200'),
  },
  'POST /conversations/:id/translations': {
    req: (c) => ({ body: { messageIds: [c.messageId], target: 'en' } }),
    expect: AUTHED('404 503 503 404 503'),
  },
  // ---- spaces (the registry: global routes; a space you are not in does not exist for you) ----
  'GET /spaces': { expect: AUTHED('200 200 200 200 200') },
  'POST /spaces': {
    req: () => ({ body: { name: `Matrix ${randomUUID().slice(0, 8)}` } }),
    expect: AUTHED('201 201 201 201 201'),
  },
  'GET /spaces/by-slug/:slug': {
    req: async (_c, w) => ({ params: { slug: (await freshSpace(w)).slug } }),
    expect: AUTHED('404 200 200 404 200'),
  },
  // The invite code is the credential: anyone signed in who holds it may look and join.
  'GET /spaces/invites/:code': {
    req: async (_c, w) => ({ params: { code: (await freshSpace(w)).code } }),
    expect: AUTHED('200 200 200 200 200'),
  },
  'POST /spaces/invites/:code': {
    req: async (_c, w) => ({ params: { code: (await freshSpace(w)).code } }),
    expect: AUTHED('200 200 200 200 200'),
  },
  'GET /spaces/:id': { req: spaceReq(), expect: AUTHED('404 200 200 404 200') },
  'PATCH /spaces/:id': { req: spaceReq({ body: { name: 'Renamed' } }), expect: AUTHED('404 403 200 404 403') },
  'DELETE /spaces/:id': { req: spaceReq(), expect: AUTHED('404 403 403 404 403') },
  'POST /spaces/:id/restore': { req: spaceReq(), expect: AUTHED('404 403 403 404 403') },
  // An invite-only space: members are answered with their space, anyone else with 404.
  'POST /spaces/:id/join': { req: spaceReq(), expect: AUTHED('404 200 200 404 200') },
  'POST /spaces/:id/leave': { req: spaceReq(), expect: AUTHED('404 200 200 404 200') },
  'GET /spaces/:id/members': { req: spaceReq(), expect: AUTHED('404 200 200 404 200') },
  'PATCH /spaces/:id/members/:userId': {
    req: spaceReq({ member: true, body: { role: 'admin' } }),
    expect: AUTHED('404 403 403 404 403'),
  },
  'DELETE /spaces/:id/members/:userId': { req: spaceReq({ member: true }), expect: AUTHED('404 403 200 404 403') },
  'GET /spaces/:id/invites': { req: spaceReq(), expect: AUTHED('404 403 200 404 403') },
  'POST /spaces/:id/invites': { req: spaceReq({ body: {} }), expect: AUTHED('404 403 201 404 403') },
  'GET /spaces/:id/export': { req: spaceReq(), expect: AUTHED('404 403 403 404 403') },
  // The space's moderation queue: its owners and admins (groupAdmin is the fresh space's admin).
  'GET /spaces/:id/reports': { req: spaceReq(), expect: AUTHED('404 403 200 404 403') },
  'PATCH /spaces/:id/reports/:reportId': {
    req: async (c, w) => {
      const r = await spaceReq({ body: { status: 'dismissed' } })(c, w);
      return { ...r, params: { ...r.params, reportId: c.extra } };
    },
    expect: AUTHED('404 403 404 404 403'),
  },
  'DELETE /spaces/:id/messages/:messageId': {
    req: async (c, w) => ({ params: { ...(await spaceReq()(c, w)).params, messageId: c.extra } }),
    expect: AUTHED('404 403 404 404 403'),
  },
  // Site admins only: every space, and a space's own MongoDB (409 here: this server stores spaces in SQLite).
  'GET /admin/spaces': { expect: AUTHED('403 403 403 200 403') },
  'PUT /admin/spaces/:id/database': {
    req: spaceReq({ body: { mongoUri: 'mongodb://db.example:27017/space' } }),
    expect: AUTHED('403 403 403 409 403'),
  },
  // ---- client config ----
  'GET /config': { expect: PUBLIC(200) },
  // ---- outside /api/v1 ----
  // Mailed links, on a server that serves no web client: pages of their own (forms post back).
  'GET /complete-signup': { req: () => ({ query: `token=${'x'.repeat(43)}` }), expect: PUBLIC(200) },
  'GET /verify-email': { req: () => ({ query: `token=${'x'.repeat(43)}` }), expect: PUBLIC(200) },
  'POST /verify-email': { req: () => ({ body: { token: 'x'.repeat(43) } }), expect: PUBLIC(400) },
  'GET /reset-password': { req: () => ({ query: `token=${'x'.repeat(43)}` }), expect: PUBLIC(200) },
  'POST /reset-password': { req: () => ({ body: { token: 'x'.repeat(43) } }), expect: PUBLIC(400) },
  'GET /invite/:code': { req: () => ({ params: { code: 'abcdEFGH1234' } }), expect: PUBLIC(200) },
  'GET /metrics': { expect: PUBLIC(200) },
  'GET /healthz': { expect: PUBLIC(200) },
  'GET /readyz': { expect: PUBLIC(200) },
};

/** A fresh space (owned by someone else; member and blocked in it, groupAdmin its admin) as the request's :id. */
function spaceReq(options: { body?: unknown; member?: boolean } = {}): (c: Cell, w: World) => Promise<Req> {
  return async (_c, w) => {
    const s = await freshSpace(w);
    return {
      params: { id: s.id, ...(options.member ? { userId: w.users.member.user.id } : {}) },
      ...(options.body === undefined ? {} : { body: options.body }),
    };
  };
}

/**
 * Situational rows: a route (which must have its own row above) under a set-up that changes the answer,
 * e.g. the target is a site admin, the channel is announcement-only, the caller was removed. Each found
 * by the security review (issue 22) and kept here so the rule cannot silently regress.
 */
export const REST_SCENARIOS: Record<string, Spec & { route: string }> = {
  // 22 #2: another admin may be suspended or demoted by a site admin (never by anyone else).
  'suspend a site admin': {
    route: 'POST /admin/users/:id/suspension',
    req: async (_c, w) => ({ params: { id: await anotherSiteAdmin(w) }, body: {} }),
    expect: AUTHED('403 403 403 200 403'),
  },
  'demote a site admin': {
    route: 'PUT /admin/users/:id/role',
    req: async (_c, w) => ({ params: { id: await anotherSiteAdmin(w) }, body: { role: 'user' } }),
    expect: AUTHED('403 403 403 200 403'),
  },
  // 22 #3: in announcement mode only owners and admins post, forward into, edit in or react (blocked is
  // a member too). Taking a reaction back stays allowed.
  'send in an announcement group': {
    route: 'POST /conversations/:id/messages',
    req: async (c, w) => {
      await announcement(w, c);
      return { body: { clientMsgId: randomUUID(), text: 'hi' } };
    },
    expect: AUTHED('404 403 201 404 403'),
  },
  'forward into an announcement group': {
    route: 'POST /messages/:id/forward',
    req: async (c, w) => {
      await announcement(w, c);
      return { params: { id: c.messageId }, body: { conversationIds: [c.id], clientMsgId: randomUUID() } };
    },
    expect: AUTHED('404 403 201 404 403'),
  },
  'react in an announcement group': {
    route: 'PUT /messages/:id/reactions/:emoji',
    req: async (c, w) => {
      await announcement(w, c);
      return { params: { id: c.messageId, emoji: '👍' } };
    },
    expect: AUTHED('404 403 200 404 403'),
  },
  'take a reaction back in an announcement group': {
    route: 'DELETE /messages/:id/reactions/:emoji',
    req: async (c, w) => {
      await announcement(w, c);
      return { params: { id: c.messageId, emoji: '👍' } };
    },
    expect: AUTHED('404 200 200 404 200'),
  },
  // 22 #7: nobody decides a report about their own message (the group admin's here; the site admin's below).
  'decide a group report about one’s own message': {
    route: 'PATCH /conversations/:id/reports/:reportId',
    req: async (c, w) => ({
      params: { reportId: await reportAbout(w, c.id, 'groupAdmin') },
      body: { status: 'dismissed' },
    }),
    expect: AUTHED('404 403 403 404 403'),
  },
  'decide a site report about one’s own message': {
    route: 'PATCH /admin/reports/:id',
    req: async (_c, w) => {
      const direct = await restIn(w, (await tokenFor(w, 'siteAdmin')) ?? '').post<{ id: string }>('/conversations', {
        kind: 'direct',
        userId: w.users.member.user.id,
      });
      return { params: { id: await reportAbout(w, direct.body.data.id, 'siteAdmin') }, body: { status: 'resolved' } };
    },
    expect: AUTHED('403 403 403 403 403'),
  },
  // 22 #9: only the owner changes another admin's role (an admin could otherwise demote, then remove, a peer).
  'demote another admin': {
    route: 'PATCH /conversations/:id/participants/:userId',
    req: async (c, w) => ({ params: { userId: await secondAdmin(w, c) }, body: { role: 'member' } }),
    expect: AUTHED('404 403 403 404 403'),
  },
  'remove another admin': {
    route: 'DELETE /conversations/:id/participants/:userId',
    req: async (c, w) => ({ params: { userId: await secondAdmin(w, c) } }),
    expect: AUTHED('404 403 403 404 403'),
  },
  // 22 #10: removal is a ban until re-added (the owner removed member, group admin and blocked first), and
  // the invites a removed admin made stop working for everyone.
  'accept an invite after being removed': {
    route: 'POST /invites/:code/accept',
    req: async (c, w) => {
      const owner = restIn(w, w.owner.accessToken);
      for (const s of ['member', 'groupAdmin', 'blocked'] as const)
        await owner.del(`/conversations/${c.id}/participants/${w.users[s].user.id}`);
      return { params: { code: c.code } };
    },
    expect: AUTHED('200 403 403 200 403'),
  },
  'accept an invite made by an admin since removed': {
    route: 'POST /invites/:code/accept',
    req: async (c, w) => {
      const admin = restIn(w, (await tokenFor(w, 'groupAdmin')) ?? '');
      const made = await admin.post<{ code: string }>(`/conversations/${c.id}/invites`, {});
      await restIn(w, w.owner.accessToken).del(`/conversations/${c.id}/participants/${w.users.groupAdmin.user.id}`);
      return { params: { code: made.body.data.code } };
    },
    expect: AUTHED('404 404 404 404 404'),
  },
};

/** A fresh account the owner adds to the cell's group and makes admin (next to groupAdmin). */
async function secondAdmin(w: World, c: Cell): Promise<string> {
  const u = await registerUser(w.t);
  const owner = restIn(w, w.owner.accessToken);
  await owner.post(`/conversations/${c.id}/participants`, { userIds: [u.user.id] });
  const res = await owner.patch(`/conversations/${c.id}/participants/${u.user.id}`, { role: 'admin' });
  if (res.status !== 200) throw new Error(`second admin: ${res.status}`);
  return u.user.id;
}

/** `author` posts in the conversation and the plain member reports it; returns the report id. */
async function reportAbout(w: World, conversationId: string, author: Subject): Promise<string> {
  const sent = await restIn(w, (await tokenFor(w, author)) ?? '').post<{ id: string }>(
    `/conversations/${conversationId}/messages`,
    { clientMsgId: randomUUID(), text: 'reported' },
  );
  const res = await restIn(w, (await tokenFor(w, 'member')) ?? '').post<{ id: string }>('/reports', {
    messageId: sent.body.data.id,
    reason: 'spam',
  });
  if (res.status !== 201) throw new Error(`report: ${res.status}`);
  return res.body.data.id;
}

/** Switches the cell's group to announcement mode (its owner does it). */
async function announcement(w: World, c: Cell): Promise<void> {
  const res = await restIn(w, w.owner.accessToken).patch(`/conversations/${c.id}`, { onlyAdminsPost: true });
  if (res.status !== 200) throw new Error(`announcement: ${res.status}`);
}

/** A fresh account made site admin directly in storage (the target of the admin-on-admin rows). */
async function anotherSiteAdmin(w: World): Promise<string> {
  const u = await registerUser(w.t);
  await w.t.storage.users.update(u.user.id, { role: 'admin' });
  return u.user.id;
}

export const SOCKET_REFUSED = 'unauthenticated token_expired session_revoked session_revoked';
export type SocketSpec = {
  payload: (c: Cell, w: World) => unknown;
  expect: string;
  /** Names a successful ack by what it granted (instead of plain 'ok'). */
  outcome?: (data: unknown) => string;
};
/**
 * Presence is followed only between people sharing a direct chat or group (not blocked either way),
 * and only when the followed user's last-seen setting is "everyone". `presenceTarget` is online and
 * shares a group with member, groupAdmin and blocked (whom it blocked), nobody else.
 */
export const presenceOutcome = (data: unknown) => {
  const [p] = data as { status: string; lastSeenAt: string | null }[];
  return p?.status === 'online' ? 'live' : 'hidden';
};
let presenceTarget = '';
/** The user the presence:subscribe row asks about (set once the test has made them). */
export const setPresenceTarget = (id: string): void => {
  presenceTarget = id;
};
export const SOCKET: Record<string, SocketSpec> = {
  'message:send': {
    payload: (c) => ({ conversationId: c.id, clientMsgId: randomUUID(), text: 'hi' }),
    expect: `${SOCKET_REFUSED} not_found ok ok not_found ok`,
  },
  'message:edit': {
    payload: (c) => ({ messageId: c.messageId, text: 'edited' }),
    expect: `${SOCKET_REFUSED} not_found forbidden forbidden not_found forbidden`,
  },
  'message:delete': {
    payload: (c) => ({ messageId: c.messageId }),
    expect: `${SOCKET_REFUSED} not_found forbidden ok not_found forbidden`,
  },
  'message:react': {
    payload: (c) => ({ messageId: c.messageId, emoji: '👍', on: true }),
    expect: `${SOCKET_REFUSED} not_found ok ok not_found ok`,
  },
  'message:delivered': {
    payload: (c) => ({ conversationId: c.id, seq: 1 }),
    expect: `${SOCKET_REFUSED} not_found ok ok not_found ok`,
  },
  'conversation:read': {
    payload: (c) => ({ conversationId: c.id, seq: 1 }),
    expect: `${SOCKET_REFUSED} not_found ok ok not_found ok`,
  },
  'typing:start': {
    payload: (c) => ({ conversationId: c.id }),
    expect: `${SOCKET_REFUSED} not_found ok ok not_found ok`,
  },
  'typing:stop': {
    payload: (c) => ({ conversationId: c.id }),
    expect: `${SOCKET_REFUSED} not_found ok ok not_found ok`,
  },
  'presence:set': { payload: () => ({ status: 'away' }), expect: `${SOCKET_REFUSED} ok ok ok ok ok` },
  'presence:subscribe': {
    payload: () => ({ userIds: [presenceTarget] }),
    outcome: presenceOutcome,
    expect: `${SOCKET_REFUSED} hidden live live hidden hidden`,
  },
};

/** Socket counterparts of the situational REST rows (same services, same rules). */
export const SOCKET_SCENARIOS: Record<string, SocketSpec & { event: string }> = {
  'message:send in an announcement group': {
    event: 'message:send',
    payload: async (c, w) => {
      await announcement(w, c);
      return { conversationId: c.id, clientMsgId: randomUUID(), text: 'hi' };
    },
    expect: `${SOCKET_REFUSED} not_found posting_restricted ok not_found posting_restricted`,
  },
  'typing:start in an announcement group': {
    event: 'typing:start',
    payload: async (c, w) => {
      await announcement(w, c);
      return { conversationId: c.id };
    },
    expect: `${SOCKET_REFUSED} not_found posting_restricted ok not_found posting_restricted`,
  },
  'message:react in an announcement group': {
    event: 'message:react',
    payload: async (c, w) => {
      await announcement(w, c);
      return { messageId: c.messageId, emoji: '👍', on: true };
    },
    expect: `${SOCKET_REFUSED} not_found posting_restricted ok not_found posting_restricted`,
  },
};

/** A user online in a group of its own with member, groupAdmin and blocked (then blocks blocked). */
export async function presenceTargetIn(w: World): Promise<{ id: string; token: string; close(): void }> {
  const target = await registerUser(w.t);
  const rest = restIn(w, target.accessToken);
  const g = await rest.post<{ id: string }>('/conversations', {
    kind: 'group',
    title: 'Presence',
    memberIds: [w.users.member.user.id, w.users.groupAdmin.user.id, w.users.blocked.user.id],
  });
  if (g.status !== 201) throw new Error(`presence group: ${g.status}`);
  await rest.post(`/users/${w.users.blocked.user.id}/block`);
  const socket = await connectSocket(w.t.url, target.accessToken, w.space);
  return { id: target.user.id, token: target.accessToken, close: () => socket.close() };
}

/** A report by the group's plain member on the cell's message (for the report-handling rows). */
async function reportBy(w: World, c: Cell): Promise<string> {
  const res = await restIn(w, (await tokenFor(w, 'member')) ?? '').post<{ id: string }>('/reports', {
    messageId: c.messageId,
    reason: 'spam',
  });
  return res.body.data.id;
}

export const row = (expect: string) => {
  const cells = expect.split(' ');
  if (cells.length !== SUBJECTS.length) throw new Error(`row needs ${SUBJECTS.length} cells: ${expect}`);
  return cells;
};
