/**
 * Fixtures for the authorization matrix: one user per subject (built once per file), and a fresh
 * group per cell (so a cell that deletes, leaves or edits never changes what the next cell sees).
 */
import { randomUUID } from 'node:crypto';
import type { Message } from '@charla/shared-types';
import type { Storage } from '../../src/storage/ports.ts';
import { runInSpace } from '../../src/storage/spaces/space-scope.ts';
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
  /** The space the world's groups live in (X-Charla-Space); absent: the home space. */
  space?: string;
};

/** REST as `token` in the world's space. */
export const restIn = (w: World, token: string) => restAs(w.t.api, token, w.space);

/** Runs `fn` against the storage of the world's space (the home storage when it has none). */
export async function inWorldSpace<T>(w: World, fn: (s: Storage) => Promise<T>): Promise<T> {
  if (!w.space) return fn(w.t.storage);
  const space = await w.t.storage.spaces.findById(w.space);
  if (!space) throw new Error(`no space ${w.space}`);
  return runInSpace({ spaceId: space.id, space }, () => fn(w.t.charla.ctx.storage));
}

/**
 * A fresh invite-only space owned by a new account, with member and blocked as members and
 * groupAdmin as its admin (each cell its own: cells leave, delete and rename).
 */
export async function freshSpace(w: World): Promise<{ id: string; slug: string; code: string; ownerId: string }> {
  const owner = await registerUser(w.t);
  const rest = restAs(w.t.api, owner.accessToken);
  const made = await rest.post<{ id: string; slug: string }>('/spaces', { name: 'Matrix space' });
  if (made.status !== 201) throw new Error(`space: ${made.status} ${JSON.stringify(made.body)}`);
  const { id, slug } = made.body.data;
  const invite = await rest.post<{ code: string }>(`/spaces/${id}/invites`, {});
  const { code } = invite.body.data;
  const { service } = w.t.charla.spaces;
  for (const s of ['member', 'groupAdmin', 'blocked'] as const) await service.acceptInvite(w.users[s].user.id, code);
  await service.setRole(owner.user.id, id, w.users.groupAdmin.user.id, 'admin');
  return { id, slug, code, ownerId: owner.user.id };
}

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
  const rest = restIn(w, w.owner.accessToken);
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
