import { expect, it } from 'vitest';
import { DuplicateKeyError, type Storage } from '../ports.ts';
import { useMessagingFixture } from './messaging-fixture.ts';

export function conversationsContract(open: () => Promise<Storage>): void {
  const f = useMessagingFixture(open);

  it('one direct chat per pair: creating it again (either order, concurrently) returns the same one', async () => {
    const first = await f.s.conversations.createDirect(f.alice.id, f.bob.id, f.tick());
    expect(first.created).toBe(true);
    expect(first.conversation).toMatchObject({ kind: 'direct', title: null, lastSeq: 0 });
    const again = await f.s.conversations.createDirect(f.bob.id, f.alice.id, f.tick());
    expect(again).toMatchObject({ created: false, conversation: { id: first.conversation.id } });
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => f.s.conversations.createDirect(f.carol.id, f.dave.id, f.tick())),
    );
    expect(new Set(racing.map((r) => r.conversation.id)).size).toBe(1);
    expect(racing.filter((r) => r.created)).toHaveLength(1);
    expect((await f.s.conversations.findDirect(f.dave.id, f.carol.id))?.id).toBe(racing[0]?.conversation.id);
    expect(await f.s.conversations.findDirect(f.alice.id, f.carol.id)).toBeNull();
    expect((await f.s.participants.listUserIds(first.conversation.id)).sort()).toEqual([f.alice.id, f.bob.id].sort());
    // Someone who left is brought back when the chat is opened again.
    await f.s.participants.remove(first.conversation.id, f.bob.id, 'left', f.bob.id, f.tick());
    await f.s.conversations.createDirect(f.alice.id, f.bob.id, f.tick());
    expect(await f.s.participants.countActive(first.conversation.id)).toBe(2);
  });

  it('creates groups with an owner and members; update and soft delete bump the change counter', async () => {
    const g = await f.s.conversations.create({
      kind: 'group',
      title: 'Team',
      description: 'd',
      createdBy: f.alice.id,
      members: [
        { userId: f.bob.id, role: 'admin' },
        { userId: f.alice.id, role: 'member' },
      ],
      now: f.tick(),
    });
    expect(g).toMatchObject({ kind: 'group', title: 'Team', description: 'd', lastSeq: 0, historyForNewcomers: false });
    expect((await f.s.participants.find(g.id, f.alice.id))?.role).toBe('owner');
    expect((await f.s.participants.find(g.id, f.bob.id))?.role).toBe('admin');
    expect(await f.s.participants.countOwners(g.id)).toBe(1);
    const updated = await f.s.conversations.update(g.id, { title: 'Team 2', avatarUrl: 'a.png' }, f.bob.id, f.tick());
    expect(updated?.conversation).toMatchObject({ title: 'Team 2', avatarUrl: 'a.png', description: 'd' });
    expect(updated?.conversation.changeSeq).toBe(g.changeSeq + 1);
    expect(updated?.changeSeq).toBe(g.changeSeq + 1);
    expect(await f.s.conversations.update('missing', { title: 'x' }, f.bob.id, f.tick())).toBeNull();
    const deleted = await f.s.conversations.softDelete(g.id, f.alice.id, f.tick());
    expect(deleted?.changeSeq).toBe(g.changeSeq + 2);
    expect(deleted?.memberIds.sort()).toEqual([f.alice.id, f.bob.id].sort());
    expect(await f.s.conversations.softDelete(g.id, f.alice.id, f.tick())).toBeNull();
    expect((await f.s.conversations.findById(g.id))?.deletedAt).toBeInstanceOf(Date);
    expect(await f.s.conversations.update(g.id, { title: 'x' }, f.bob.id, f.tick())).toBeNull();
    expect(await f.s.conversations.getForUser(g.id, f.alice.id)).toBeNull();
    expect(await f.s.participants.add(g.id, f.carol.id, 'member', f.alice.id, f.tick())).toBeNull();
  });

  it('announcement mode: off by default, set at creation or by update (bumping the change counter)', async () => {
    const g = await f.group([f.alice, f.bob]);
    expect(g.onlyAdminsPost).toBe(false);
    const d = await f.s.conversations.createDirect(f.alice.id, f.carol.id, f.tick());
    expect(d.conversation.onlyAdminsPost).toBe(false);
    const ch = await f.s.conversations.create({
      kind: 'channel',
      title: 'News',
      createdBy: f.alice.id,
      onlyAdminsPost: true,
      now: f.tick(),
    });
    expect(ch.onlyAdminsPost).toBe(true);
    expect((await f.s.conversations.findById(ch.id))?.onlyAdminsPost).toBe(true);
    const opened = await f.s.conversations.update(ch.id, { onlyAdminsPost: false }, f.alice.id, f.tick());
    expect(opened?.conversation).toMatchObject({ onlyAdminsPost: false, changeSeq: ch.changeSeq + 1, title: 'News' });
    const closed = await f.s.conversations.update(g.id, { onlyAdminsPost: true }, f.alice.id, f.tick());
    expect(closed?.conversation.onlyAdminsPost).toBe(true);
    expect((await f.s.conversations.getForUser(g.id, f.bob.id))?.conversation.onlyAdminsPost).toBe(true);
    expect((await f.s.conversations.searchPublic('News', { limit: 5 })).items[0]?.onlyAdminsPost).toBe(false);
  });

  it('participants: list owners first with paging, roles, removal', async () => {
    const g = await f.group([f.alice, f.bob, f.carol, f.dave]);
    await f.s.participants.setRole(g.id, f.dave.id, 'admin', f.alice.id, f.tick());
    const p1 = await f.s.participants.list(g.id, { limit: 2 });
    const p2 = await f.s.participants.list(g.id, { limit: 2, cursor: p1.nextCursor ?? undefined });
    expect(p1.items.map((p) => p.userId)).toEqual([f.alice.id, f.dave.id]);
    expect(p2.items).toHaveLength(2);
    expect(p2.nextCursor).toBeNull();
    expect(new Set([...p1.items, ...p2.items].map((p) => p.userId)).size).toBe(4);
    expect(await f.s.participants.setRole(g.id, 'nobody', 'admin', f.alice.id, f.tick())).toBeNull();
    await f.s.participants.setRole(g.id, f.bob.id, 'owner', f.alice.id, f.tick());
    expect(await f.s.participants.countOwners(g.id)).toBe(2);
    await f.s.participants.remove(g.id, f.carol.id, 'removed', f.alice.id, f.tick());
    expect(await f.s.participants.countActive(g.id)).toBe(3);
    expect((await f.s.participants.find(g.id, f.carol.id))?.leftReason).toBe('removed');
    expect(await f.s.participants.listUserIds(g.id)).not.toContain(f.carol.id);
    expect(await f.s.participants.updateSettings(g.id, f.carol.id, { pinned: true }, f.tick())).toBeNull();
  });

  it('lists my conversations by last activity with preview, unread counts, mentions and paging', async () => {
    const g1 = await f.group([f.alice, f.bob], { title: 'one' });
    const g2 = await f.group([f.alice, f.bob], { title: 'two' });
    const g3 = await f.group([f.alice, f.bob], { title: 'three' });
    // Sending marks the sender read up to their message; their own messages never count.
    await f.send(g1.id, f.bob, 'mine do not count');
    await f.send(g1.id, f.alice, 'a1');
    await f.send(g1.id, f.alice, 'a2 @bob', { mentions: [f.bob.id] });
    await f.send(g3.id, f.alice, 'latest');
    const page1 = await f.s.conversations.listForUser(f.bob.id, { limit: 2 });
    expect(page1.items.map((i) => i.conversation.id)).toEqual([g3.id, g1.id]);
    expect(page1.items[1]).toMatchObject({ unreadCount: 2, unreadMentions: 1, lastMessage: { text: 'a2 @bob' } });
    expect(page1.items[0]?.me).toMatchObject({ userId: f.bob.id, archived: false, pinned: false, mutedUntil: null });
    const page2 = await f.s.conversations.listForUser(f.bob.id, { limit: 2, cursor: page1.nextCursor ?? undefined });
    expect(page2.items.map((i) => i.conversation.id)).toEqual([g2.id]);
    expect(page2.items[0]).toMatchObject({ unreadCount: 0, unreadMentions: 0, lastMessage: null, memberCount: 2 });
    expect(page2.nextCursor).toBeNull();
    // Members are counted with the page: active ones only.
    await f.s.participants.add(g3.id, f.carol.id, 'member', f.alice.id, f.tick());
    await f.s.participants.add(g3.id, f.dave.id, 'member', f.alice.id, f.tick());
    await f.s.participants.remove(g3.id, f.dave.id, 'left', f.dave.id, f.tick());
    expect((await f.s.conversations.listForUser(f.bob.id, { limit: 2 })).items[0]).toMatchObject({
      conversation: { id: g3.id },
      memberCount: 3,
    });
    expect(await f.s.conversations.getForUser(g3.id, f.bob.id)).toMatchObject({ memberCount: 3 });

    await f.s.participants.markRead(g1.id, f.bob.id, 2, f.tick());
    expect(await f.s.conversations.getForUser(g1.id, f.bob.id)).toMatchObject({ unreadCount: 1, unreadMentions: 1 });
    await f.s.participants.markRead(g1.id, f.bob.id, 3, f.tick());
    expect(await f.s.conversations.getForUser(g1.id, f.bob.id)).toMatchObject({ unreadCount: 0, unreadMentions: 0 });

    const muted = new Date('2030-01-01T00:00:00.000Z');
    const me = await f.s.participants.updateSettings(
      g2.id,
      f.bob.id,
      { archived: true, pinned: true, mutedUntil: muted },
      f.tick(),
    );
    expect(me?.participant).toMatchObject({ archived: true, pinned: true, mutedUntil: muted });
    expect(me?.participant.markedUnread).toBe(false);
    // "Mark as unread" is mine alone, survives other setting changes and clears.
    expect(
      (await f.s.participants.updateSettings(g2.id, f.bob.id, { markedUnread: true }, f.tick()))?.participant,
    ).toMatchObject({
      markedUnread: true,
      archived: true,
      pinned: true,
    });
    expect((await f.s.conversations.getForUser(g2.id, f.bob.id))?.me.markedUnread).toBe(true);
    expect((await f.s.participants.find(g2.id, f.alice.id))?.markedUnread).toBe(false);
    expect(
      (await f.s.participants.updateSettings(g2.id, f.bob.id, { pinned: false }, f.tick()))?.participant.markedUnread,
    ).toBe(true);
    expect(
      (await f.s.participants.updateSettings(g2.id, f.bob.id, { markedUnread: false }, f.tick()))?.participant
        .markedUnread,
    ).toBe(false);
    await f.s.participants.updateSettings(g2.id, f.bob.id, { pinned: true }, f.tick());
    const archived = await f.s.conversations.listForUser(f.bob.id, { limit: 10, archived: true });
    expect(archived.items.map((i) => i.conversation.id)).toEqual([g2.id]);
    const inbox = await f.s.conversations.listForUser(f.bob.id, { limit: 10, archived: false });
    expect(inbox.items.map((i) => i.conversation.id)).toEqual([g3.id, g1.id]);
    // Leaving removes it from my list; a garbage cursor reads as the first page.
    await f.s.participants.remove(g3.id, f.bob.id, 'left', f.bob.id, f.tick());
    const after = await f.s.conversations.listForUser(f.bob.id, { limit: 10, cursor: 'garbage' });
    expect(after.items.map((i) => i.conversation.id)).toEqual([g1.id, g2.id]);
  });

  it('list order follows activity through joins, re-joins and deletes; equal times page by id without loss', async () => {
    const g1 = await f.group([f.alice, f.bob], { title: 'one' });
    const g2 = await f.group([f.alice, f.carol], { title: 'two' });
    const g3 = await f.group([f.alice, f.bob], { title: 'three' });
    await f.send(g2.id, f.alice, 'before bob joins');
    // Joining later lists the conversation at its current activity, not at the join time.
    await f.s.participants.add(g2.id, f.bob.id, 'member', f.alice.id, f.tick());
    const ids = async (limit: number) => {
      const out: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await f.s.conversations.listForUser(f.bob.id, { limit, cursor });
        out.push(...page.items.map((i) => i.conversation.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return out;
    };
    expect(await ids(1)).toEqual([g2.id, g3.id, g1.id]);
    // Leaving, activity meanwhile, re-joining: it comes back at the newest activity.
    await f.s.participants.remove(g1.id, f.bob.id, 'left', f.bob.id, f.tick());
    await f.send(g1.id, f.alice, 'while bob is away');
    expect(await ids(10)).toEqual([g2.id, g3.id]);
    await f.s.participants.add(g1.id, f.bob.id, 'member', f.alice.id, f.tick());
    expect(await ids(2)).toEqual([g1.id, g2.id, g3.id]);
    await f.s.conversations.softDelete(g3.id, f.alice.id, f.tick());
    expect(await ids(1)).toEqual([g1.id, g2.id]);
    // Same activity time: ties are ordered by id and paging one at a time neither skips nor repeats.
    const at = f.tick();
    const tied = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        f.s.conversations.create({
          kind: 'group',
          title: `tie ${i}`,
          createdBy: f.alice.id,
          members: [{ userId: f.bob.id, role: 'member' }],
          now: at,
        }),
      ),
    );
    const tiedIds = tied.map((c) => c.id).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    expect(await ids(1)).toEqual([...tiedIds, g1.id, g2.id]);
  });

  it('public channel directory: title search, only live channels, paged by title', async () => {
    const mk = (title: string) =>
      f.s.conversations.create({ kind: 'channel', title, createdBy: f.alice.id, now: f.tick() });
    await mk('Rust lovers');
    await mk('rustaceans');
    await mk('Gardening');
    const dead = await mk('Rust archive');
    await f.s.conversations.softDelete(dead.id, f.alice.id, f.tick());
    await f.group([f.alice], { title: 'Rust private group' });
    const p1 = await f.s.conversations.searchPublic('RUST', { limit: 1 });
    expect(p1.items.map((c) => c.title)).toEqual(['Rust lovers']);
    expect(p1.items[0]?.memberCount).toBe(1);
    const p2 = await f.s.conversations.searchPublic('rust', { limit: 1, cursor: p1.nextCursor ?? undefined });
    expect(p2.items.map((c) => c.title)).toEqual(['rustaceans']);
    expect(p2.nextCursor).toBeNull();
    expect((await f.s.conversations.searchPublic('', { limit: 10 })).items).toHaveLength(3);
    expect((await f.s.conversations.searchPublic('100%_', { limit: 10 })).items).toEqual([]);
  });

  it('invites: a removed member is refused until re-added; a creator’s invites are revoked together', async () => {
    const g = await f.group([f.alice, f.bob, f.carol]);
    const make = (code: string, createdBy: string) =>
      f.s.invites.create({ code, conversationId: g.id, createdBy, expiresAt: null, maxUses: null, now: f.tick() });
    await make('by-bob-1', f.bob.id);
    await make('by-bob-2', f.bob.id);
    await make('by-alice', f.alice.id);
    // Removed: no invite brings them back, and the attempt costs no use.
    await f.s.participants.remove(g.id, f.carol.id, 'removed', f.alice.id, f.tick());
    expect(await f.s.invites.accept('by-alice', f.carol.id, f.tick())).toEqual({ status: 'removed' });
    expect((await f.s.invites.findByCode('by-alice'))?.uses).toBe(0);
    expect((await f.s.participants.find(g.id, f.carol.id))?.leftAt).not.toBeNull();
    // Re-added by a member, then leaving of one's own accord: invites work again.
    await f.s.participants.add(g.id, f.carol.id, 'member', f.alice.id, f.tick());
    await f.s.participants.remove(g.id, f.carol.id, 'left', f.carol.id, f.tick());
    expect((await f.s.invites.accept('by-alice', f.carol.id, f.tick())).status).toBe('joined');

    expect(await f.s.invites.revokeByCreator(g.id, f.bob.id, f.tick())).toBe(2);
    expect(await f.s.invites.revokeByCreator(g.id, f.bob.id, f.tick())).toBe(0);
    const all = await f.s.invites.listForConversation(g.id);
    expect(Object.fromEntries(all.map((i) => [i.code, i.revokedAt !== null]))).toEqual({
      'by-bob-1': true,
      'by-bob-2': true,
      'by-alice': false,
    });
    expect((await f.s.invites.accept('by-bob-1', f.dave.id, f.tick())).status).toBe('revoked');
  });

  it('invites: max uses, expiry, revoke, unknown code, members cost no use', async () => {
    const g = await f.group([f.alice]);
    const inv = await f.s.invites.create({
      code: 'abc',
      conversationId: g.id,
      createdBy: f.alice.id,
      expiresAt: null,
      maxUses: 2,
      now: f.tick(),
    });
    expect(inv).toMatchObject({ code: 'abc', uses: 0, maxUses: 2, revokedAt: null });
    await expect(
      f.s.invites.create({
        code: 'abc',
        conversationId: g.id,
        createdBy: f.alice.id,
        expiresAt: null,
        maxUses: null,
        now: f.tick(),
      }),
    ).rejects.toBeInstanceOf(DuplicateKeyError);
    expect(await f.s.invites.accept('abc', f.alice.id, f.tick())).toMatchObject({ status: 'already_member' });
    const joined = await f.s.invites.accept('abc', f.bob.id, f.tick());
    expect(joined).toMatchObject({ status: 'joined', participant: { userId: f.bob.id, role: 'member' } });
    expect(await f.s.invites.accept('abc', f.bob.id, f.tick())).toMatchObject({ status: 'already_member' });
    expect((await f.s.invites.accept('abc', f.carol.id, f.tick())).status).toBe('joined');
    expect((await f.s.invites.accept('abc', f.dave.id, f.tick())).status).toBe('exhausted');
    expect((await f.s.invites.findByCode('abc'))?.uses).toBe(2);
    expect((await f.s.invites.accept('nope', f.dave.id, f.tick())).status).toBe('not_found');

    const t = f.tick();
    await f.s.invites.create({
      code: 'old',
      conversationId: g.id,
      createdBy: f.alice.id,
      expiresAt: new Date(t.getTime() + 500),
      maxUses: null,
      now: t,
    });
    expect((await f.s.invites.accept('old', f.dave.id, f.tick())).status).toBe('expired');
    await f.s.invites.create({
      code: 'rev',
      conversationId: g.id,
      createdBy: f.alice.id,
      expiresAt: null,
      maxUses: null,
      now: f.tick(),
    });
    expect(await f.s.invites.revoke('rev', f.tick())).toBe(true);
    expect(await f.s.invites.revoke('rev', f.tick())).toBe(false);
    expect((await f.s.invites.accept('rev', f.dave.id, f.tick())).status).toBe('revoked');
    expect((await f.s.invites.listForConversation(g.id)).map((i) => i.code)).toEqual(['rev', 'old', 'abc']);
  });

  it('concurrent accepts of a single-use invite let exactly one user in', async () => {
    const g = await f.group([f.alice]);
    await f.s.invites.create({
      code: 'one',
      conversationId: g.id,
      createdBy: f.alice.id,
      expiresAt: null,
      maxUses: 1,
      now: f.tick(),
    });
    const now = f.tick();
    const results = await Promise.all([f.bob, f.carol, f.dave].map((u) => f.s.invites.accept('one', u.id, now)));
    expect(results.filter((r) => r.status === 'joined')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'exhausted')).toHaveLength(2);
    expect(await f.s.participants.countActive(g.id)).toBe(2);
    expect((await f.s.invites.findByCode('one'))?.uses).toBe(1);
  });
}
