import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewMedia, NewPendingRegistration, Storage } from '../ports.ts';
import { useMessagingFixture } from './messaging-fixture.ts';

/**
 * Batched lookups that keep abuse-prone paths to a fixed number of round trips (presence
 * subscriptions: who may see whom), the upload quota's running total, and sign-ups waiting for
 * their emailed code.
 */
export function abuseContract(open: () => Promise<Storage>): void {
  describe('batched presence lookups', () => presenceCases(open));
  describe('pending-upload quota', () => uploadCases(open));
  describe('pending registrations', () => registrationCases(open));
}

function registrationCases(open: () => Promise<Storage>): void {
  let s: Storage;
  beforeEach(async () => {
    s = await open();
  });
  afterEach(async () => {
    await s.close();
  });
  const t0 = new Date('2026-03-01T12:00:00.000Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  const pending = (over: Partial<NewPendingRegistration> = {}): NewPendingRegistration => ({
    email: 'new@example.com',
    existingUserId: null,
    username: 'newbie',
    displayName: 'New',
    passwordHash: 'pw-hash',
    codeHash: 'code-1',
    linkTokenHash: `link-${randomUUID()}`,
    sentAt: t0,
    expiresAt: at(15 * 60_000),
    ...over,
  });

  it('puts one sign-up per address (a second put replaces it and resets attempts) and finds it', async () => {
    await s.pendingRegistrations.put(pending());
    expect(await s.pendingRegistrations.addFailedAttempt('new@example.com')).toBe(1);
    expect(await s.pendingRegistrations.addFailedAttempt('new@example.com')).toBe(2);
    await s.pendingRegistrations.put(pending({ codeHash: 'code-2', displayName: 'Renamed', sentAt: at(1000) }));
    const found = await s.pendingRegistrations.find('new@example.com');
    expect(found).toMatchObject({
      email: 'new@example.com',
      existingUserId: null,
      username: 'newbie',
      displayName: 'Renamed',
      passwordHash: 'pw-hash',
      codeHash: 'code-2',
      attempts: 0,
    });
    expect(found?.sentAt.getTime()).toBe(at(1000).getTime());
    expect(found?.expiresAt.getTime()).toBe(at(15 * 60_000).getTime());
    expect(await s.pendingRegistrations.find('other@example.com')).toBeNull();
    expect(await s.pendingRegistrations.addFailedAttempt('other@example.com')).toBe(0);
    // Replacing only the requester's data may keep the attempts counted so far.
    await s.pendingRegistrations.addFailedAttempt('new@example.com');
    await s.pendingRegistrations.put(pending({ codeHash: 'code-2', attempts: 3 }));
    expect((await s.pendingRegistrations.find('new@example.com'))?.attempts).toBe(3);
  });

  it('takes by code once: right hash, not expired, under the attempt limit, never a stand-in', async () => {
    await s.pendingRegistrations.put(pending());
    expect(await s.pendingRegistrations.takeByCode('new@example.com', 'wrong', at(1), 5)).toBeNull();
    expect(await s.pendingRegistrations.takeByCode('new@example.com', 'code-1', at(15 * 60_000), 5)).toBeNull();
    const taken = await s.pendingRegistrations.takeByCode('new@example.com', 'code-1', at(1), 5);
    expect(taken?.displayName).toBe('New');
    expect(await s.pendingRegistrations.takeByCode('new@example.com', 'code-1', at(1), 5)).toBeNull();
    expect(await s.pendingRegistrations.find('new@example.com')).toBeNull();

    await s.pendingRegistrations.put(pending());
    for (let i = 0; i < 5; i++) await s.pendingRegistrations.addFailedAttempt('new@example.com');
    expect(await s.pendingRegistrations.takeByCode('new@example.com', 'code-1', at(1), 5)).toBeNull();

    await s.pendingRegistrations.put(
      pending({ email: 'taken@example.com', existingUserId: 'u1', displayName: '', passwordHash: '' }),
    );
    expect(await s.pendingRegistrations.takeByCode('taken@example.com', 'code-1', at(1), 5)).toBeNull();
    expect(await s.pendingRegistrations.find('taken@example.com')).toMatchObject({ existingUserId: 'u1' });
  });

  it('takes by link token once, never a stand-in; deletes one or the expired ones', async () => {
    await s.pendingRegistrations.put(pending({ linkTokenHash: 'L1' }));
    await s.pendingRegistrations.put(
      pending({ email: 'taken@example.com', existingUserId: 'u1', linkTokenHash: 'L2' }),
    );
    expect((await s.pendingRegistrations.findByLinkToken('L1'))?.email).toBe('new@example.com');
    expect(await s.pendingRegistrations.findByLinkToken('nope')).toBeNull();
    expect(await s.pendingRegistrations.takeByLinkToken('L1', at(15 * 60_000))).toBeNull();
    expect((await s.pendingRegistrations.takeByLinkToken('L1', at(1)))?.email).toBe('new@example.com');
    expect(await s.pendingRegistrations.takeByLinkToken('L1', at(1))).toBeNull();
    expect(await s.pendingRegistrations.takeByLinkToken('L2', at(1))).toBeNull();

    await s.pendingRegistrations.put(pending({ email: 'a@example.com', expiresAt: at(10) }));
    await s.pendingRegistrations.put(pending({ email: 'b@example.com', expiresAt: at(1_000_000) }));
    expect(await s.pendingRegistrations.deleteExpired(at(20))).toBe(1);
    expect(await s.pendingRegistrations.find('a@example.com')).toBeNull();
    await s.pendingRegistrations.delete('b@example.com');
    expect(await s.pendingRegistrations.find('b@example.com')).toBeNull();
    expect(await s.pendingRegistrations.find('taken@example.com')).not.toBeNull();
  });
}

function uploadCases(open: () => Promise<Storage>): void {
  const f = useMessagingFixture(open);
  const media = (uploaderId: string, size: number): NewMedia => ({
    uploaderId,
    kind: 'file',
    mime: 'application/pdf',
    size,
    width: null,
    height: null,
    duration: null,
    fileName: 'a.pdf',
    sha256: 'a'.repeat(64),
    storageKey: 'a'.repeat(64),
    thumbnailKey: null,
    createdAt: f.tick(),
  });

  it('media.pendingBytes sums only the uploader’s unattached uploads', async () => {
    expect(await f.s.media.pendingBytes(f.alice.id)).toBe(0);
    const a = await f.s.media.create(media(f.alice.id, 1000));
    const b = await f.s.media.create(media(f.alice.id, 250));
    const avatar = await f.s.media.create(media(f.alice.id, 40));
    await f.s.media.create(media(f.bob.id, 7));
    expect(await f.s.media.pendingBytes(f.alice.id)).toBe(1290);
    await f.s.media.attachToMessage([a.id], f.alice.id, { messageId: 'm1', conversationId: 'c1' }, f.tick());
    await f.s.media.attachAsAvatar(avatar.id, f.alice.id, { type: 'user', id: f.alice.id }, f.tick());
    expect(await f.s.media.pendingBytes(f.alice.id)).toBe(250);
    await f.s.media.delete(b.id);
    expect(await f.s.media.pendingBytes(f.alice.id)).toBe(0);
    expect(await f.s.media.pendingBytes(f.bob.id)).toBe(7);
  });
}

function presenceCases(open: () => Promise<Storage>): void {
  const f = useMessagingFixture(open);
  const ids = (list: string[]) => [...list].sort();

  it('users.findByIds returns the known ids once each and skips unknown ones', async () => {
    const found = await f.s.users.findByIds([f.alice.id, 'nobody', f.bob.id, f.alice.id]);
    expect(ids(found.map((u) => u.id))).toEqual(ids([f.alice.id, f.bob.id]));
    expect(found.find((u) => u.id === f.alice.id)?.email).toBe(f.alice.email);
    expect(await f.s.users.findByIds([])).toEqual([]);
  });

  it('blocks.blockedEitherWayAmong finds blocks in both directions, only among the given ids', async () => {
    await f.s.blocks.block(f.alice.id, f.bob.id);
    await f.s.blocks.block(f.carol.id, f.alice.id);
    await f.s.blocks.block(f.bob.id, f.dave.id);
    expect(ids(await f.s.blocks.blockedEitherWayAmong(f.alice.id, [f.bob.id, f.carol.id, f.dave.id]))).toEqual(
      ids([f.bob.id, f.carol.id]),
    );
    expect(await f.s.blocks.blockedEitherWayAmong(f.alice.id, [f.dave.id])).toEqual([]);
    expect(await f.s.blocks.blockedEitherWayAmong(f.alice.id, [])).toEqual([]);
    await f.s.blocks.unblock(f.alice.id, f.bob.id);
    expect(await f.s.blocks.blockedEitherWayAmong(f.alice.id, [f.bob.id, f.bob.id])).toEqual([]);
  });

  it('participants.sharingChatsWith: live direct chats and groups count; channels, left and deleted do not', async () => {
    const { alice, bob, carol, dave } = f;
    const none = await f.s.participants.sharingChatsWith(alice.id, [bob.id, carol.id, dave.id, alice.id]);
    expect(none).toEqual([]);

    await f.s.conversations.createDirect(alice.id, bob.id, f.tick());
    const group = await f.group([carol, alice]);
    const channel = await f.s.conversations.create({
      kind: 'channel',
      title: 'News',
      createdBy: dave.id,
      members: [{ userId: alice.id, role: 'member' }],
      now: f.tick(),
    });
    expect(channel.kind).toBe('channel');
    // Alice herself is never in the answer; a channel shared with Dave does not count.
    expect(ids(await f.s.participants.sharingChatsWith(alice.id, [bob.id, carol.id, dave.id, alice.id]))).toEqual(
      ids([bob.id, carol.id]),
    );
    // Symmetric.
    expect(await f.s.participants.sharingChatsWith(carol.id, [alice.id])).toEqual([alice.id]);

    // Carol leaves the group: no longer shared (while Alice stays in it).
    await f.s.participants.remove(group.id, carol.id, 'left', carol.id, f.tick());
    expect(await f.s.participants.sharingChatsWith(alice.id, [carol.id])).toEqual([]);
    // Back in, then the group is deleted.
    await f.s.participants.add(group.id, carol.id, 'member', alice.id, f.tick());
    expect(await f.s.participants.sharingChatsWith(alice.id, [carol.id])).toEqual([carol.id]);
    await f.s.conversations.softDelete(group.id, carol.id, f.tick());
    expect(await f.s.participants.sharingChatsWith(alice.id, [carol.id])).toEqual([]);
    // The viewer having left counts as well as the other side having left.
    const g2 = await f.group([alice, dave]);
    expect(await f.s.participants.sharingChatsWith(dave.id, [alice.id])).toEqual([alice.id]);
    await f.s.participants.remove(g2.id, alice.id, 'left', alice.id, f.tick());
    expect(await f.s.participants.sharingChatsWith(dave.id, [alice.id])).toEqual([]);
    expect(await f.s.participants.sharingChatsWith(alice.id, [])).toEqual([]);
  });
}
