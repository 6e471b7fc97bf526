import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AdapterOptions, SEND_CRASH_POINTS, type SendCrashPoint } from '../adapter-options.ts';
import type { MessageRecord, NewMessage, Storage, UserRecord } from '../ports.ts';

/** A database that outlives one open storage, so a test can "restart" the server on it. */
export type ReopenableStore = {
  open(options: AdapterOptions): Promise<Storage>;
  destroy(): Promise<void>;
};

const CRASH = 'injected crash';

/**
 * A send cut short at any of its steps (a process killed between two writes) must never block that
 * message or leave a hole in history. Whatever the adapter does inside, afterwards:
 *  - the sender's retry of the same clientMsgId succeeds and reports it created exactly once;
 *  - a restart (which sweeps half-done sends) leaves history gapless 1..lastSeq and the change
 *    feed readable to its end, with the message either complete or absent;
 *  - later sends continue the sequence.
 * SQLite runs the steps in one transaction, so it passes trivially; MongoDB without transactions
 * passes by taking over and finishing what the dead writer left.
 */
export function sendCrashContract(make: () => Promise<ReopenableStore>): void {
  describe('messaging: a send cut short at any step', () => {
    let store: ReopenableStore;
    let open: Storage[] = [];
    let armed: SendCrashPoint | null = null;
    let clock = Date.parse('2026-04-01T00:00:00.000Z');
    const tick = () => {
      clock += 1000;
      return new Date(clock);
    };
    const options: AdapterOptions = {
      staleSendMs: 0,
      sendFault: (point) => {
        if (point !== armed) return;
        armed = null;
        throw new Error(`${CRASH} at ${point}`);
      },
    };
    const start = async (opts: AdapterOptions = options) => {
      const s = await store.open(opts);
      open.push(s);
      return s;
    };

    beforeEach(async () => {
      store = await make();
      armed = null;
    });
    afterEach(async () => {
      for (const s of open) await s.close();
      open = [];
      await store.destroy();
    });

    const user = (s: Storage, name: string) =>
      s.users.create({
        email: `${name}-${randomUUID().slice(0, 8)}@example.com`,
        username: `${name}_${randomUUID().slice(0, 8)}`,
        displayName: name,
        passwordHash: null,
        role: 'user',
      });

    async function scene(s: Storage) {
      const [alice, bob] = [await user(s, 'alice'), await user(s, 'bob')];
      const g = await s.conversations.create({
        kind: 'group',
        title: 'Crash',
        createdBy: alice.id,
        members: [{ userId: bob.id, role: 'member' }],
        now: tick(),
      });
      const msg = (sender: UserRecord, text: string, clientMsgId: string | null = randomUUID()): NewMessage => ({
        conversationId: g.id,
        senderId: sender.id,
        clientMsgId,
        kind: 'text',
        text,
        now: tick(),
      });
      for (const text of ['one', 'two']) expect((await s.messages.send(msg(alice, text)))?.created).toBe(true);
      return { alice, bob, g, msg };
    }

    /** History 1..lastSeq without a hole, and the feed readable to the conversation's counter. */
    async function expectConsistent(s: Storage, conversationId: string, viewer: UserRecord) {
      const conv = await s.conversations.findById(conversationId);
      const history: MessageRecord[] = [];
      let after = 0;
      for (;;) {
        const page = await s.messages.history(conversationId, viewer.id, { after, limit: 100 });
        history.push(...page);
        if (page.length < 100) break;
        after = page.at(-1)?.seq ?? after;
      }
      expect(history.map((m) => m.seq)).toEqual(Array.from({ length: conv?.lastSeq ?? -1 }, (_, i) => i + 1));
      const feed = await s.conversations.changesAfter(conversationId, 0, { viewerId: viewer.id, limit: 1000 });
      expect(feed.changeSeq).toBe(conv?.changeSeq);
      const created = new Set(feed.items.filter((c) => c.type === 'message.created').map((c) => c.entityId));
      for (const m of history) expect(created.has(m.id), `message.created for seq ${m.seq}`).toBe(true);
      // Seq tombstones (a number reserved by a writer that died) are deleted, empty system rows.
      for (const m of history.filter((h) => h.kind === 'system' && h.system === null)) {
        expect(m).toMatchObject({ text: '', deletedAt: expect.any(Date), clientMsgId: null });
      }
      return history;
    }

    it.each(SEND_CRASH_POINTS)('crash at %s: the retry finishes it, created once, history gapless', async (point) => {
      const s = await start();
      const { alice, bob, g, msg } = await scene(s);
      const lost = msg(alice, 'cut short', 'retry-me');
      armed = point;
      await expect(s.messages.send(lost)).rejects.toThrow(CRASH);
      // Others keep sending meanwhile.
      expect((await s.messages.send(msg(bob, 'meanwhile')))?.created).toBe(true);

      const retry = await s.messages.send({ ...lost, now: tick() });
      expect(retry?.created).toBe(true);
      expect(retry?.message).toMatchObject({ text: 'cut short', clientMsgId: 'retry-me', deletedAt: null });
      const again = await s.messages.send({ ...lost, now: tick() });
      expect(again).toMatchObject({ created: false, message: { id: retry?.message.id, seq: retry?.message.seq } });

      const history = await expectConsistent(s, g.id, bob);
      expect(history.filter((m) => m.clientMsgId === 'retry-me').map((m) => m.id)).toEqual([retry?.message.id]);
      expect(history.filter((m) => m.kind === 'text').map((m) => m.text)).toEqual(
        expect.arrayContaining(['one', 'two', 'meanwhile', 'cut short']),
      );
      const next = await s.messages.send(msg(bob, 'after'));
      expect(next?.message.seq).toBe((await s.conversations.findById(g.id))?.lastSeq);
      await expectConsistent(s, g.id, alice);
    });

    it.each(SEND_CRASH_POINTS)(
      'crash at %s, then a restart: the sweep leaves no hole, the retry reports it once',
      async (point) => {
        const first = await start();
        const { alice, bob, g, msg } = await scene(first);
        const lost = msg(alice, 'cut short', 'after-restart');
        armed = point;
        await expect(first.messages.send(lost)).rejects.toThrow(CRASH);
        await first.close();
        open = open.filter((x) => x !== first);

        const s = await start({ staleSendMs: 0 });
        const history = await expectConsistent(s, g.id, bob);
        const survivors = history.filter((m) => m.clientMsgId === 'after-restart');
        expect(survivors.length).toBeLessThanOrEqual(1);

        const retry = await s.messages.send({ ...lost, now: tick() });
        expect(retry?.created).toBe(true);
        if (survivors[0]) expect(retry?.message.id).toBe(survivors[0].id);
        expect((await s.messages.send({ ...lost, now: tick() }))?.created).toBe(false);
        const next = await s.messages.send(msg(bob, 'after'));
        expect(next?.message.seq).toBe((await s.conversations.findById(g.id))?.lastSeq);
        const after = await expectConsistent(s, g.id, alice);
        expect(after.filter((m) => m.clientMsgId === 'after-restart')).toHaveLength(1);
      },
    );

    it('a system message (no clientMsgId, no retry) cut short is finished or dropped by the sweep', async () => {
      const first = await start();
      const { alice, bob, g, msg } = await scene(first);
      armed = 'reserved';
      const system = { event: 'title_changed', actorId: alice.id, targetIds: [], value: 'New' };
      await expect(first.messages.send({ ...msg(alice, '', null), kind: 'system', system })).rejects.toThrow(CRASH);
      await first.close();
      open = open.filter((x) => x !== first);
      const s = await start({ staleSendMs: 0 });
      await expectConsistent(s, g.id, bob);
      expect((await s.messages.send(msg(bob, 'after')))?.message.seq).toBe(
        (await s.conversations.findById(g.id))?.lastSeq,
      );
    });
  });
}
