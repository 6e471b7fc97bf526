import { expect, it } from 'vitest';
import { SEARCH_CANDIDATES, SNIPPET_END, SNIPPET_START, type Storage } from '../ports.ts';
import { useMessagingFixture } from './messaging-fixture.ts';

export function feedAndSearchContract(open: () => Promise<Storage>): void {
  const f = useMessagingFixture(open);

  it('every mutation appends one change row, in order, with a dense changeSeq', async () => {
    const g = await f.group([f.alice, f.bob]);
    const m = await f.send(g.id, f.alice, 'hello');
    await f.s.messages.edit(m.id, { text: 'hello!', mentions: [] }, f.alice.id, f.tick());
    await f.s.messages.setReaction(m.id, f.bob.id, '👍', true, f.tick());
    await f.s.messages.setReaction(m.id, f.bob.id, '👍', true, f.tick()); // no-op: no row
    await f.s.participants.markRead(g.id, f.bob.id, 1, f.tick());
    await f.s.participants.markRead(g.id, f.bob.id, 1, f.tick()); // no-op: no row
    await f.s.participants.add(g.id, f.carol.id, 'member', f.alice.id, f.tick());
    await f.s.participants.setRole(g.id, f.carol.id, 'admin', f.alice.id, f.tick());
    await f.s.conversations.update(g.id, { title: 'New' }, f.alice.id, f.tick());
    const m2 = await f.send(g.id, f.carol, 'second');
    await f.s.messages.deleteForEveryone(m2.id, f.carol.id, f.tick());
    await f.s.messages.hideForUser(m.id, f.bob.id, f.tick());
    await f.s.participants.updateSettings(g.id, f.bob.id, { pinned: true }, f.tick());
    await f.s.participants.remove(g.id, f.carol.id, 'left', f.carol.id, f.tick());
    await f.s.conversations.softDelete(g.id, f.alice.id, f.tick());

    const bobs = await f.s.conversations.changesAfter(g.id, 0, { viewerId: f.bob.id, limit: 100 });
    expect(bobs.items.map((c) => c.type)).toEqual([
      'conversation.created',
      'participant.joined',
      'participant.joined',
      'message.created',
      'message.updated',
      'reaction.updated',
      'receipt.updated',
      'participant.joined',
      'participant.updated',
      'conversation.updated',
      'message.created',
      'message.deleted',
      'message.hidden',
      'participant.settings',
      'participant.left',
      'conversation.deleted',
    ]);
    const seqs = bobs.items.map((c) => c.changeSeq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(bobs.changeSeq).toBe((await f.s.conversations.findById(g.id))?.changeSeq);
    expect(bobs.hasMore).toBe(false);
    expect(bobs.items[3]).toMatchObject({ entityId: m.id, messageSeq: 1, actorId: f.alice.id, audience: null });
    expect(bobs.items[6]?.data).toMatchObject({ lastReadSeq: 1, lastDeliveredSeq: 1 });
    // Private rows (delete-for-me, my settings) are for their owner only.
    const alices = await f.s.conversations.changesAfter(g.id, 0, { viewerId: f.alice.id, limit: 100 });
    expect(alices.items.map((c) => c.type)).not.toContain('message.hidden');
    expect(alices.items.map((c) => c.type)).not.toContain('participant.settings');
    expect(alices.changeSeq).toBe(bobs.changeSeq);
    // Rows carry references, never content.
    expect(JSON.stringify(bobs.items)).not.toContain('second');
  });

  it('each write returns the change counter right after it and the members to tell', async () => {
    const g = await f.group([f.alice, f.bob, f.carol]);
    const counter = async () => (await f.s.conversations.findById(g.id))?.changeSeq;
    const members = async () => (await f.s.participants.listUserIds(g.id)).sort();
    const check = async (w: { changeSeq: number; memberIds: string[] } | null | undefined) => {
      expect(w?.changeSeq).toBe(await counter());
      expect(w?.memberIds.slice().sort()).toEqual(await members());
    };
    const sent = await f.s.messages.send({
      conversationId: g.id,
      senderId: f.alice.id,
      clientMsgId: 'committed-1',
      kind: 'text',
      text: 'hi',
      now: f.tick(),
    });
    expect(sent?.created).toBe(true);
    await check(sent);
    const id = sent?.message.id ?? '';
    await check(await f.s.messages.edit(id, { text: 'hi!', mentions: [] }, f.alice.id, f.tick()));
    const reacted = await f.s.messages.setReaction(id, f.bob.id, '👍', true, f.tick());
    expect(reacted?.changed).toBe(true);
    await check(reacted);
    await check(await f.s.participants.markRead(g.id, f.carol.id, 1, f.tick()));
    await check(await f.s.participants.setRole(g.id, f.bob.id, 'admin', f.alice.id, f.tick()));
    await check(await f.s.conversations.update(g.id, { title: 'Renamed' }, f.alice.id, f.tick()));
    const left = await f.s.participants.remove(g.id, f.carol.id, 'left', f.carol.id, f.tick());
    await check(left);
    expect(left?.memberIds).not.toContain(f.carol.id);
    const back = await f.s.participants.add(g.id, f.carol.id, 'member', f.alice.id, f.tick());
    expect(back?.added).toBe(true);
    await check(back);
    const settings = await f.s.participants.updateSettings(g.id, f.bob.id, { pinned: true }, f.tick());
    expect(settings?.changeSeq).toBe(await counter());
    await check(await f.s.messages.deleteForEveryone(id, f.alice.id, f.tick()));
    // A retried send writes nothing: the counter it reports is the conversation's as it stands.
    const retry = await f.s.messages.send({
      conversationId: g.id,
      senderId: f.alice.id,
      clientMsgId: 'committed-1',
      kind: 'text',
      text: 'hi',
      now: f.tick(),
    });
    expect(retry?.created).toBe(false);
    await check(retry);
  });

  it('changesAfter pages with a limit and hides message changes below the viewer floor', async () => {
    const g = await f.group([f.alice]);
    for (let i = 0; i < 5; i++) await f.send(g.id, f.alice, `m${i}`);
    await f.s.participants.add(g.id, f.bob.id, 'member', f.alice.id, f.tick());
    const old = await f.s.messages.findBySeq(g.id, 2);
    await f.s.messages.edit(old?.id ?? '', { text: 'edited old', mentions: [] }, f.alice.id, f.tick());
    await f.send(g.id, f.alice, 'new');
    const all: string[] = [];
    let after = 0;
    for (let guard = 0; guard < 20; guard++) {
      const page = await f.s.conversations.changesAfter(g.id, after, { viewerId: f.bob.id, limit: 2 });
      all.push(...page.items.map((c) => `${c.type}:${c.messageSeq ?? ''}`));
      expect(page.changeSeq).toBeGreaterThanOrEqual(after);
      after = page.changeSeq;
      if (!page.hasMore) break;
    }
    expect(all).toEqual(['conversation.created:', 'participant.joined:', 'participant.joined:', 'message.created:6']);
    expect(after).toBe((await f.s.conversations.findById(g.id))?.changeSeq);
    const none = await f.s.conversations.changesAfter(g.id, after, { viewerId: f.bob.id, limit: 10 });
    expect(none).toMatchObject({ items: [], changeSeq: after, hasMore: false });
  });

  it('changedSince reports conversations changed after a cursor, including ones I left', async () => {
    const g1 = await f.group([f.alice, f.bob]);
    const g2 = await f.group([f.alice, f.bob]);
    const first = await f.s.conversations.changedSince(f.bob.id, null);
    expect(first.items.map((i) => i.conversationId).sort()).toEqual([g1.id, g2.id].sort());
    const g2Now = await f.s.conversations.findById(g2.id);
    expect(first.items.find((i) => i.conversationId === g2.id)).toMatchObject({
      changeSeq: g2Now?.changeSeq,
      membership: 'active',
    });
    // Much later: one message in g1 and bob removed from g2.
    for (let i = 0; i < 60; i++) f.tick();
    await f.send(g1.id, f.alice, 'ping');
    await f.s.participants.remove(g2.id, f.bob.id, 'removed', f.alice.id, f.tick());
    const next = await f.s.conversations.changedSince(f.bob.id, first.cursor);
    expect(next.items.find((i) => i.conversationId === g1.id)?.changeSeq).toBe(
      (await f.s.conversations.findById(g1.id))?.changeSeq,
    );
    expect(next.items.find((i) => i.conversationId === g2.id)?.membership).toBe('left');
    for (let i = 0; i < 60; i++) f.tick();
    await f.send(g2.id, f.alice, 'bob is gone');
    const later = await f.s.conversations.changedSince(f.bob.id, next.cursor);
    // Re-reports are allowed (the client compares changeSeq), but nothing new reaches bob in g2.
    for (const item of later.items) {
      const seen = next.items.find((i) => i.conversationId === item.conversationId);
      if (item.conversationId === g2.id) expect(item.membership).toBe('left');
      else expect(item.changeSeq).toBe(seen?.changeSeq);
    }
    expect((await f.s.conversations.changedSince(f.carol.id, null)).items).toEqual([]);
  });

  it('search finds only what the caller may see', async () => {
    const g = await f.group([f.alice, f.bob]);
    const other = await f.group([f.carol]);
    const early = await f.send(g.id, f.alice, 'zebra before dave joined');
    await f.s.participants.add(g.id, f.dave.id, 'member', f.alice.id, f.tick());
    const visible = await f.send(g.id, f.alice, 'zebra crossing');
    const deleted = await f.send(g.id, f.alice, 'zebra deleted');
    const hidden = await f.send(g.id, f.alice, 'zebra hidden');
    await f.send(other.id, f.carol, 'zebra elsewhere');
    await f.s.messages.deleteForEveryone(deleted.id, f.alice.id, f.tick());
    await f.s.messages.hideForUser(hidden.id, f.dave.id, f.tick());
    const ids = async (userId: string, conversationId?: string) =>
      (await f.s.messages.search(userId, 'zebra', { limit: 20, conversationId })).items.map((h) => h.message.id).sort();
    expect(await ids(f.dave.id)).toEqual([visible.id]);
    expect(await ids(f.bob.id)).toEqual([early.id, visible.id, hidden.id].sort());
    expect(await ids(f.bob.id, other.id)).toEqual([]);
    expect(await ids(f.carol.id)).toHaveLength(1);
    await f.s.participants.remove(g.id, f.bob.id, 'left', f.bob.id, f.tick());
    expect(await ids(f.bob.id)).toEqual([]);
    await f.s.conversations.softDelete(other.id, f.carol.id, f.tick());
    expect(await ids(f.carol.id)).toEqual([]);
  });

  it('search ranks, highlights with markers, pages, follows edits and ignores query syntax', async () => {
    const g = await f.group([f.alice, f.bob]);
    await f.send(g.id, f.alice, 'we could meet for lunch sometime next week maybe or not');
    const best = await f.send(g.id, f.alice, 'lunch lunch lunch');
    for (let i = 0; i < 4; i++) await f.send(g.id, f.alice, `lunch option ${i} with extra words to dilute`);
    const p1 = await f.s.messages.search(f.bob.id, 'lunch', { limit: 2 });
    expect(p1.items[0]?.message.id).toBe(best.id);
    expect(p1.items[0]?.snippet).toContain(`${SNIPPET_START}lunch${SNIPPET_END}`);
    const p2 = await f.s.messages.search(f.bob.id, 'lunch', { limit: 2, cursor: p1.nextCursor ?? undefined });
    const p3 = await f.s.messages.search(f.bob.id, 'lunch', { limit: 2, cursor: p2.nextCursor ?? undefined });
    expect(p3.nextCursor).toBeNull();
    const seen = [...p1.items, ...p2.items, ...p3.items].map((h) => h.message.id);
    expect(new Set(seen).size).toBe(6);

    const m = await f.send(g.id, f.alice, 'original wording');
    await f.s.messages.edit(m.id, { text: 'replacement wording', mentions: [] }, f.alice.id, f.tick());
    expect((await f.s.messages.search(f.bob.id, 'original', { limit: 5 })).items).toEqual([]);
    expect((await f.s.messages.search(f.bob.id, 'replacement', { limit: 5 })).items.map((h) => h.message.id)).toEqual([
      m.id,
    ]);
    // Operators and quotes in user input are plain text, never syntax errors.
    expect((await f.s.messages.search(f.bob.id, 'lunch" *(', { limit: 50 })).items).toHaveLength(6);
    expect((await f.s.messages.search(f.bob.id, 'lunch AND', { limit: 50 })).items).toEqual([]);
    expect((await f.s.messages.search(f.bob.id, '   ', { limit: 5 })).items).toEqual([]);
    expect((await f.s.messages.search(f.bob.id, 'Lunch', { limit: 50 })).items).toHaveLength(6);
  });
  it('search matches whole words, the last one as a prefix, like FTS5 (not substrings)', async () => {
    const g = await f.group([f.alice, f.bob]);
    const banana = await f.send(g.id, f.alice, 'kiwi banana');
    const and = await f.send(g.id, f.alice, 'Kiwi and mango');
    const accented = await f.send(g.id, f.alice, 'Un café con leche');
    const ids = async (q: string) =>
      (await f.s.messages.search(f.bob.id, q, { limit: 20 })).items.map((h) => h.message.id).sort();
    expect(await ids('kiwi an')).toEqual([and.id]);
    expect(await ids('kiwi ban')).toEqual([banana.id]);
    expect(await ids('an')).toEqual([and.id]);
    expect(await ids('ana')).toEqual([]);
    expect(await ids('iwi')).toEqual([]);
    expect(await ids('kiwi')).toEqual([banana.id, and.id].sort());
    expect(await ids('banana kiwi')).toEqual([banana.id]);
    expect(await ids('CAFE')).toEqual([accented.id]);
    expect(await ids('caf')).toEqual([accented.id]);
  });

  it('search ranks only the newest SEARCH_CANDIDATES visible matches; the cap counts after visibility', async () => {
    const g = await f.group([f.alice, f.bob]);
    // Old and very relevant: past the cap, so never returned for the frequent word.
    const old = await f.send(g.id, f.alice, 'kiwi kiwi kiwi kiwi papaya');
    const newest: string[] = [];
    for (let i = 0; i < SEARCH_CANDIDATES; i++) {
      newest.push((await f.send(g.id, f.alice, `kiwi number ${i} among other words`)).id);
    }
    // Newer matches bob cannot see do not push his own out of the window.
    const other = await f.group([f.alice, f.carol]);
    for (let i = 0; i < 20; i++) await f.send(other.id, f.alice, 'kiwi kiwi elsewhere');
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await f.s.messages.search(f.bob.id, 'kiwi', { limit: 50, cursor });
      seen.push(...page.items.map((h) => h.message.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(SEARCH_CANDIDATES);
    expect(new Set(seen)).toEqual(new Set(newest));
    expect(seen).not.toContain(old.id);
    // A more specific query still finds the old one.
    const specific = await f.s.messages.search(f.bob.id, 'kiwi papaya', { limit: 5 });
    expect(specific.items.map((h) => h.message.id)).toEqual([old.id]);
    expect((await f.s.messages.search(f.carol.id, 'elsewhere', { limit: 50 })).items).toHaveLength(20);
  });
}
