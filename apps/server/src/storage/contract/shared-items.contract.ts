import { describe, expect, it } from 'vitest';
import type { MessageRecord, SharedItemRecord, Storage } from '../ports.ts';
import { useMessagingFixture } from './messaging-fixture.ts';

/** Shared media / files / links of a conversation: the cases every adapter must pass. */
export function sharedItemsContract(open: () => Promise<Storage>): void {
  describe('shared items', () => {
    const f = useMessagingFixture(open);
    const item = (m: MessageRecord, kind: SharedItemRecord['kind'], ref: string, position = 0): SharedItemRecord => ({
      conversationId: m.conversationId,
      messageId: m.id,
      seq: m.seq,
      kind,
      mediaId: kind === 'link' ? null : ref,
      url: kind === 'link' ? ref : null,
      position,
      senderId: m.senderId,
      createdAt: m.createdAt,
    });

    it('lists one kind newest first, pages without overlap, keeps a media or URL once per message', async () => {
      const g = await f.group([f.alice, f.bob]);
      const other = await f.group([f.alice, f.bob]);
      const sent: MessageRecord[] = [];
      for (let i = 0; i < 5; i++) sent.push(await f.send(g.id, f.alice, `photo ${i}`));
      const [m0, m1, m2, m3, m4] = sent as [MessageRecord, MessageRecord, MessageRecord, MessageRecord, MessageRecord];
      await f.s.sharedItems.add([item(m0, 'media', 'img0'), item(m0, 'media', 'img0b', 1), item(m1, 'file', 'doc1')]);
      await f.s.sharedItems.add([
        item(m2, 'media', 'img2'),
        item(m3, 'media', 'img3'),
        item(m4, 'link', 'https://x.test/'),
      ]);
      await f.s.sharedItems.add([item(m3, 'media', 'img3')]); // again: kept once
      const elsewhere = await f.send(other.id, f.alice, 'not here');
      await f.s.sharedItems.add([item(elsewhere, 'media', 'imgX')]);

      const list = (kind: SharedItemRecord['kind'], cursor?: string, limit = 2) =>
        f.s.sharedItems.list(g.id, kind, { viewerId: f.bob.id, floorSeq: 0, limit, ...(cursor ? { cursor } : {}) });
      const p1 = await list('media');
      expect(p1.items.map((i) => i.mediaId)).toEqual(['img3', 'img2']);
      expect(p1.nextCursor).not.toBeNull();
      const p2 = await list('media', p1.nextCursor ?? undefined);
      // Within one message, items come by position (newest first: the last attachment first).
      expect(p2.items.map((i) => [i.mediaId, i.position])).toEqual([
        ['img0b', 1],
        ['img0', 0],
      ]);
      expect(p2.nextCursor).toBeNull();
      expect((await list('file')).items).toMatchObject([{ mediaId: 'doc1', messageId: m1.id, senderId: f.alice.id }]);
      expect((await list('link')).items).toMatchObject([{ url: 'https://x.test/', seq: m4.seq }]);
      expect(
        (await f.s.sharedItems.list(g.id, 'media', { viewerId: f.bob.id, floorSeq: 0, limit: 10, cursor: 'junk' }))
          .items,
      ).toHaveLength(4);
    });

    it('hides what is below the viewer floor or deleted for them, and drops a deleted message’s rows', async () => {
      const g = await f.group([f.alice, f.bob]);
      const a = await f.send(g.id, f.alice, 'a');
      const b = await f.send(g.id, f.alice, 'b');
      const c = await f.send(g.id, f.alice, 'c');
      await f.s.sharedItems.add([item(a, 'media', 'ma'), item(b, 'media', 'mb'), item(c, 'media', 'mc')]);
      const ids = async (viewerId: string, floorSeq = 0) =>
        (await f.s.sharedItems.list(g.id, 'media', { viewerId, floorSeq, limit: 10 })).items.map((i) => i.mediaId);
      expect(await ids(f.bob.id, a.seq)).toEqual(['mc', 'mb']);
      await f.s.messages.hideForUser(b.id, f.bob.id, f.tick());
      expect(await ids(f.bob.id)).toEqual(['mc', 'ma']);
      expect(await ids(f.alice.id)).toEqual(['mc', 'mb', 'ma']);
      // Hidden rows do not cut a page short.
      const page = await f.s.sharedItems.list(g.id, 'media', { viewerId: f.bob.id, floorSeq: 0, limit: 1 });
      const next = await f.s.sharedItems.list(g.id, 'media', {
        viewerId: f.bob.id,
        floorSeq: 0,
        limit: 1,
        cursor: page.nextCursor ?? '',
      });
      expect([...page.items, ...next.items].map((i) => i.mediaId)).toEqual(['mc', 'ma']);
      await f.s.sharedItems.removeForMessage(c.id);
      expect(await ids(f.alice.id)).toEqual(['mb', 'ma']);
    });

    it('replaces a message’s links after an edit, leaving its media alone', async () => {
      const g = await f.group([f.alice]);
      const m = await f.send(g.id, f.alice, 'see https://a.test');
      await f.s.sharedItems.add([item(m, 'link', 'https://a.test'), item(m, 'media', 'pic')]);
      await f.s.sharedItems.replaceLinks(m.id, [item(m, 'link', 'https://b.test'), item(m, 'link', 'https://c.test')]);
      const links = await f.s.sharedItems.list(g.id, 'link', { viewerId: f.alice.id, floorSeq: 0, limit: 10 });
      expect(links.items.map((i) => i.url).sort()).toEqual(['https://b.test', 'https://c.test']);
      expect(
        (await f.s.sharedItems.list(g.id, 'media', { viewerId: f.alice.id, floorSeq: 0, limit: 10 })).items,
      ).toHaveLength(1);
    });
  });
}
