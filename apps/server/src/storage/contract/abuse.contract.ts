import { describe, expect, it } from 'vitest';
import type { NewMedia, Storage } from '../ports.ts';
import { useMessagingFixture } from './messaging-fixture.ts';

/**
 * Batched lookups that keep abuse-prone paths to a fixed number of round trips (presence
 * subscriptions: who may see whom), and the upload quota's running total.
 */
export function abuseContract(open: () => Promise<Storage>): void {
  describe('batched presence lookups', () => presenceCases(open));
  describe('pending-upload quota', () => uploadCases(open));
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
