import type { ConversationSummary, Presence } from '@charla/shared-types';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientSocket,
  connectSocket,
  emitAck,
  eventually,
  nextEvent,
  record,
  restAs,
  sleep,
} from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

/**
 * Live presence goes only to people who share a direct chat or group with the user, neither side
 * blocking the other, and only while the user's last-seen setting is "everyone"; it stops when any
 * of that changes after subscribing.
 */
describe('who gets live presence', () => {
  let t: TestApp;
  const open: ClientSocket[] = [];
  const connect = async (u: RegisteredUser) => {
    const s = await connectSocket(t.url, u.accessToken);
    open.push(s);
    return s;
  };
  /** Two users in a fresh group; the watcher follows the target (who is offline). */
  async function pair() {
    const [target, watcher] = [await registerUser(t), await registerUser(t)];
    const group = await restAs(t.api, target.accessToken).post<ConversationSummary>('/conversations', {
      kind: 'group',
      title: 'Pair',
      memberIds: [watcher.user.id],
    });
    const w = await connect(watcher);
    const ack = await emitAck<Presence[]>(w, 'presence:subscribe', { userIds: [target.user.id] });
    expect(ack.ok).toBe(true);
    return { target, watcher, w, groupId: group.body.data.id, seen: record(w, 'presence') };
  }
  /** The target comes online and goes again; the events the watcher saw meanwhile. */
  async function comeAndGo(target: RegisteredUser, seen: Presence[]) {
    const before = seen.length;
    const s = await connect(target);
    await sleep(150);
    s.close();
    await sleep(250);
    return seen.slice(before);
  }

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterEach(() => {
    for (const s of open.splice(0)) s.close();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a co-member sees it live; a stranger (no shared chat) sees nothing, not even offline → online', async () => {
    const { target, seen } = await pair();
    const stranger = await registerUser(t);
    const s = await connect(stranger);
    const ack = await emitAck<Presence[]>(s, 'presence:subscribe', { userIds: [target.user.id] });
    expect(ack).toMatchObject({ ok: true, data: [{ status: 'offline', lastSeenAt: null }] });
    const strangerSaw = record(s, 'presence');
    const events = await comeAndGo(target, seen);
    expect(events.map((e) => e.status)).toEqual(['online', 'offline']);
    expect(strangerSaw).toEqual([]);
  });

  it('last seen "nobody" applies to live events: followers get the hidden state once, then nothing', async () => {
    const { target, seen } = await pair();
    const T = restAs(t.api, target.accessToken);
    expect((await T.patch('/users/me', { lastSeenVisibility: 'nobody' })).status).toBe(200);
    await eventually(() => expect(seen.at(-1)).toMatchObject({ status: 'offline', lastSeenAt: null }));
    const hiddenEvents = await comeAndGo(target, seen);
    expect(hiddenEvents).toEqual([]);
    // Back to "everyone": followers see it again without subscribing anew.
    expect((await T.patch('/users/me', { lastSeenVisibility: 'everyone' })).status).toBe(200);
    const events = await comeAndGo(target, seen);
    expect(events.map((e) => e.status)).toContain('online');
  });

  it('stops when the shared group ends for them: leaving, being removed, or the group deleted', async () => {
    const left = await pair();
    await restAs(t.api, left.watcher.accessToken).post(`/conversations/${left.groupId}/leave`);
    await eventually(() => expect(left.seen.at(-1)).toMatchObject({ status: 'offline', lastSeenAt: null }));
    expect(await comeAndGo(left.target, left.seen)).toEqual([]);

    const removed = await pair();
    await restAs(t.api, removed.target.accessToken).del(
      `/conversations/${removed.groupId}/participants/${removed.watcher.user.id}`,
    );
    await sleep(200);
    expect(await comeAndGo(removed.target, removed.seen)).toEqual([]);

    const deleted = await pair();
    await restAs(t.api, deleted.target.accessToken).del(`/conversations/${deleted.groupId}`);
    await sleep(200);
    expect(await comeAndGo(deleted.target, deleted.seen)).toEqual([]);
  });

  it('stops when either side blocks the other after subscribing', async () => {
    const a = await pair();
    await restAs(t.api, a.target.accessToken).post(`/users/${a.watcher.user.id}/block`);
    await sleep(200);
    expect(await comeAndGo(a.target, a.seen)).toEqual([]);

    const b = await pair();
    await restAs(t.api, b.watcher.accessToken).post(`/users/${b.target.user.id}/block`);
    await sleep(200);
    expect(await comeAndGo(b.target, b.seen)).toEqual([]);
  });

  it('keeps working for those still allowed: another member still sees the target', async () => {
    const { target, watcher, groupId } = await pair();
    const third = await registerUser(t);
    await restAs(t.api, target.accessToken).post(`/conversations/${groupId}/participants`, {
      userIds: [third.user.id],
    });
    const s = await connect(third);
    await emitAck(s, 'presence:subscribe', { userIds: [target.user.id] });
    await restAs(t.api, watcher.accessToken).post(`/conversations/${groupId}/leave`);
    await sleep(200);
    const online = nextEvent(s, 'presence', (e) => e.userId === target.user.id && e.status === 'online');
    await connect(target);
    await online;
  });
});
