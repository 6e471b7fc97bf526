import { describe, expect, it } from 'vitest';
import type { LinkPreviewRecord, Storage } from '../ports.ts';
import { useMessagingFixture } from './messaging-fixture.ts';

/** Link previews on messages, the per-URL cache and preview images: what every adapter must do. */
export function linkPreviewsContract(open: () => Promise<Storage>): void {
  describe('link previews', () => {
    const f = useMessagingFixture(open);
    const preview = (url: string, imageId: string | null = null): LinkPreviewRecord => ({
      url,
      title: 'Title',
      description: 'Description',
      siteName: 'Site',
      image: imageId ? { id: imageId, width: 600, height: 315 } : null,
      removed: false,
    });
    const image = (key: string, createdAt: Date) => ({
      storageKey: key,
      mime: 'image/webp',
      width: 600,
      height: 315,
      size: 1234,
      createdAt,
    });

    it('sets, replaces and clears a message’s preview, each as one message.updated change', async () => {
      const g = await f.group([f.alice, f.bob]);
      const m = await f.send(g.id, f.alice, 'see https://example.com/a');
      expect((await f.s.messages.findById(m.id))?.linkPreview ?? null).toBeNull();
      const before = (await f.s.conversations.findById(g.id))?.changeSeq ?? 0;

      const set = await f.s.linkPreviews.setForMessage(m.id, preview('https://example.com/a'), f.alice.id, f.tick());
      expect(set?.message.linkPreview).toEqual(preview('https://example.com/a'));
      // Who to tell and the counter the change left, so the caller publishes without re-reading.
      expect(set?.changeSeq).toBe(before + 1);
      expect([...(set?.memberIds ?? [])].sort()).toEqual([f.alice.id, f.bob.id].sort());
      expect((await f.s.messages.findById(m.id))?.linkPreview).toEqual(preview('https://example.com/a'));
      // History and batch reads carry it too.
      expect((await f.s.messages.history(g.id, f.bob.id, { limit: 10 })).at(-1)?.linkPreview?.title).toBe('Title');
      expect((await f.s.messages.findByIds([m.id]))[0]?.linkPreview?.siteName).toBe('Site');

      const removed = { ...preview('https://example.com/a'), removed: true };
      expect((await f.s.linkPreviews.setForMessage(m.id, removed, f.alice.id, f.tick()))?.message.linkPreview).toEqual(
        removed,
      );
      expect(
        (await f.s.linkPreviews.setForMessage(m.id, null, f.alice.id, f.tick()))?.message.linkPreview ?? null,
      ).toBeNull();

      const feed = await f.s.conversations.changesAfter(g.id, before, { viewerId: f.bob.id, limit: 10 });
      expect(feed.items.map((c) => [c.type, c.entityId, c.messageSeq, c.data])).toEqual([
        ['message.updated', m.id, m.seq, { linkPreview: true }],
        ['message.updated', m.id, m.seq, { linkPreview: true }],
        ['message.updated', m.id, m.seq, { linkPreview: true }],
      ]);
    });

    it('refuses missing and deleted messages, and deleting for everyone wipes the preview', async () => {
      const g = await f.group([f.alice, f.bob]);
      expect(await f.s.linkPreviews.setForMessage('missing', preview('https://x.test/'), f.alice.id, f.tick())).toBe(
        null,
      );
      const m = await f.send(g.id, f.alice, 'https://x.test/');
      await f.s.linkPreviews.setForMessage(m.id, preview('https://x.test/'), f.alice.id, f.tick());
      const tombstone = await f.s.messages.deleteForEveryone(m.id, f.alice.id, f.tick());
      expect(tombstone?.message.linkPreview ?? null).toBeNull();
      expect((await f.s.messages.findById(m.id))?.linkPreview ?? null).toBeNull();
      const seq = (await f.s.conversations.findById(g.id))?.changeSeq;
      expect(await f.s.linkPreviews.setForMessage(m.id, preview('https://x.test/'), f.alice.id, f.tick())).toBeNull();
      expect((await f.s.conversations.findById(g.id))?.changeSeq).toBe(seq);
    });

    it('caches one entry per URL until it expires, negative entries included', async () => {
      const t0 = f.tick();
      const later = new Date(t0.getTime() + 60_000);
      const { removed: _, ...content } = preview('https://example.com/p');
      await f.s.linkPreviews.putCached({
        url: 'https://example.com/p',
        preview: content,
        fetchedAt: t0,
        expiresAt: later,
      });
      await f.s.linkPreviews.putCached({
        url: 'https://example.com/none',
        preview: null,
        fetchedAt: t0,
        expiresAt: later,
      });
      expect(await f.s.linkPreviews.getCached('https://example.com/p', t0)).toEqual({
        url: 'https://example.com/p',
        preview: content,
        fetchedAt: t0,
        expiresAt: later,
      });
      expect((await f.s.linkPreviews.getCached('https://example.com/none', t0))?.preview).toBeNull();
      expect(await f.s.linkPreviews.getCached('https://example.com/other', t0)).toBeNull();
      // Replacing keeps one entry; an expired entry is not returned and is pruned.
      const again = new Date(later.getTime() + 60_000);
      await f.s.linkPreviews.putCached({
        url: 'https://example.com/p',
        preview: null,
        fetchedAt: later,
        expiresAt: again,
      });
      expect((await f.s.linkPreviews.getCached('https://example.com/p', later))?.preview).toBeNull();
      expect(await f.s.linkPreviews.getCached('https://example.com/none', later)).toBeNull();
      expect(await f.s.linkPreviews.pruneCache(later)).toBe(1);
      expect(await f.s.linkPreviews.pruneCache(later)).toBe(0);
    });

    it('sweeps only images that no message and no live cache entry shows', async () => {
      const t0 = f.tick();
      const shown = await f.s.linkPreviews.createImage(image('key-shown', t0));
      const cached = await f.s.linkPreviews.createImage(image('key-cached', t0));
      const orphan = await f.s.linkPreviews.createImage(image('key-shared', t0));
      const twin = await f.s.linkPreviews.createImage(image('key-shared', t0));
      const fresh = await f.s.linkPreviews.createImage(image('key-fresh', new Date(t0.getTime() + 10 * 60_000)));
      expect(await f.s.linkPreviews.findImage(shown.id)).toEqual(shown);
      expect(await f.s.linkPreviews.findImage('missing')).toBeNull();
      expect(await f.s.linkPreviews.countImagesByKey('key-shared')).toBe(2);

      const g = await f.group([f.alice, f.bob]);
      const m = await f.send(g.id, f.alice, 'https://example.com/i');
      await f.s.linkPreviews.setForMessage(m.id, preview('https://example.com/i', shown.id), f.alice.id, f.tick());
      const now = new Date(t0.getTime() + 5 * 60_000);
      const { removed: _, ...content } = preview('https://example.com/c', cached.id);
      await f.s.linkPreviews.putCached({
        url: 'https://example.com/c',
        preview: content,
        fetchedAt: now,
        expiresAt: new Date(now.getTime() + 60_000),
      });

      const swept = await f.s.linkPreviews.sweepImages(new Date(t0.getTime() + 60_000), now, 10);
      expect(swept.map((i) => i.id).sort()).toEqual([orphan.id, twin.id].sort());
      expect(await f.s.linkPreviews.countImagesByKey('key-shared')).toBe(0);
      expect(await f.s.linkPreviews.findImage(fresh.id)).not.toBeNull();

      // Once the cache entry expires and the message is deleted, those go too.
      await f.s.messages.deleteForEveryone(m.id, f.alice.id, f.tick());
      const much = new Date(now.getTime() + 3_600_000);
      const rest = await f.s.linkPreviews.sweepImages(much, much, 10);
      expect(rest.map((i) => i.id).sort()).toEqual([shown.id, cached.id, fresh.id].sort());
    });
  });
}
