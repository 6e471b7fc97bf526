/**
 * Fixtures for the authorization matrix: one user per subject (built once per file), and a fresh
 * group per cell (so a cell that deletes, leaves or edits never changes what the next cell sees).
 */
import { randomUUID } from 'node:crypto';
import type { Message } from '@charla/shared-types';
import { restAs } from '../chat.ts';
import { authHeader, type RegisteredUser, registerUser, TEST_PASSWORD, type TestApp } from '../harness.ts';

export const SUBJECTS = [
  'anonymous',
  'expired',
  'revoked',
  'suspended',
  'nonMember',
  'member',
  'groupAdmin',
  'siteAdmin',
  'blocked',
] as const;
export type Subject = (typeof SUBJECTS)[number];
/** Subjects that hold a live session (the others are refused before any resource check). */
export const ACTIVE: Subject[] = ['nonMember', 'member', 'groupAdmin', 'siteAdmin', 'blocked'];

export type World = {
  t: TestApp;
  owner: RegisteredUser;
  users: Record<Exclude<Subject, 'anonymous'>, RegisteredUser>;
  /** Someone nobody's state depends on: target of block/unblock and of "add participant". */
  bystander: RegisteredUser;
};

export const SITE_ADMIN_EMAIL = 'site-admin@example.com';

export async function buildWorld(t: TestApp): Promise<World> {
  const owner = await registerUser(t);
  const users = {
    expired: await registerUser(t),
    revoked: await registerUser(t),
    suspended: await registerUser(t),
    nonMember: await registerUser(t),
    member: await registerUser(t),
    groupAdmin: await registerUser(t),
    siteAdmin: await registerUser(t, { email: SITE_ADMIN_EMAIL }),
    blocked: await registerUser(t),
  };
  const bystander = await registerUser(t);
  // Revoked: signed out (the JWT itself is still unexpired).
  await fetch(`${t.api}/auth/logout`, {
    method: 'POST',
    headers: { ...authHeader(users.revoked.accessToken), 'content-type': 'application/json' },
    body: JSON.stringify({ refreshToken: users.revoked.refreshToken }),
  });
  // Suspended: as moderation does it (the flag, then the fact every module reacts to).
  await t.storage.users.update(users.suspended.user.id, { suspendedAt: new Date() });
  t.charla.ctx.events.emit('user:suspended', { userId: users.suspended.user.id });
  await new Promise((r) => setTimeout(r, 50));
  return { t, owner, users, bystander };
}

export type Cell = { id: string; messageId: string; code: string; extra: string };

/** A group owned by `owner` with groupAdmin (promoted), member and blocked; one message; one invite. */
export async function freshGroup(w: World): Promise<Cell> {
  const rest = restAs(w.t.api, w.owner.accessToken);
  // Nobody can add a user who blocked them or whom they blocked: add first, then block again.
  await rest.del(`/users/${w.users.blocked.user.id}/block`);
  const g = await rest.post<{ id: string }>('/conversations', {
    kind: 'group',
    title: 'Matrix',
    memberIds: [w.users.groupAdmin.user.id, w.users.member.user.id, w.users.blocked.user.id],
  });
  if (g.status !== 201) throw new Error(`group: ${g.status} ${JSON.stringify(g.body)}`);
  const id = g.body.data.id;
  await rest.patch(`/conversations/${id}/participants/${w.users.groupAdmin.user.id}`, { role: 'admin' });
  const m = await rest.post<Message>(`/conversations/${id}/messages`, {
    clientMsgId: randomUUID(),
    text: 'hello matrix',
  });
  const inv = await rest.post<{ code: string }>(`/conversations/${id}/invites`, {});
  await rest.post(`/users/${w.users.blocked.user.id}/block`);
  return { id, messageId: m.body.data.id, code: inv.body.data.code, extra: randomUUID() };
}

/** A live token for an active subject (a new session per cell: some cells end their session). */
export async function tokenFor(w: World, s: Subject): Promise<string | undefined> {
  if (s === 'anonymous') return undefined;
  const u = w.users[s];
  if (s === 'expired' || s === 'revoked' || s === 'suspended') return u.accessToken;
  const res = await fetch(`${w.t.api}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: u.email, password: TEST_PASSWORD, client: 'desktop' }),
  });
  const body = (await res.json()) as { data: { accessToken: string } };
  return body.data.accessToken;
}

/** Runs `fn` with the app's clock past the access token's lifetime (for the `expired` subject). */
export async function whileExpired<T>(w: World, s: Subject, fn: () => Promise<T>): Promise<T> {
  if (s !== 'expired') return fn();
  w.t.clock.advance((w.t.config.ACCESS_TOKEN_TTL_SECONDS + 60) * 1000);
  try {
    return await fn();
  } finally {
    w.t.clock.reset();
  }
}
