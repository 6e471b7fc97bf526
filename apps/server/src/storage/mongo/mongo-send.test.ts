import { randomUUID } from 'node:crypto';
import { describeIf } from '@charla/test-utils';
import mongoose from 'mongoose';
import { afterEach, expect, it } from 'vitest';
import type { AdapterOptions, SendCrashPoint } from '../adapter-options.ts';
import { StorageUnavailableError } from '../errors.ts';
import type { NewMessage, Storage } from '../ports.ts';
import { supportsTransactions } from './mongo-send-transaction.ts';
import { openMongoStorage } from './mongo-storage.ts';

const uri = process.env.MONGODB_URI;

/** The MongoDB step sequence in the cases the shared crash contract cannot tell apart. */
describeIf(Boolean(uri), 'no MongoDB (set MONGODB_URI)', 'MongoDB send without transactions', () => {
  const urls: string[] = [];
  const stores: Storage[] = [];
  let armed: SendCrashPoint | null = null;
  const options = (staleSendMs: number): AdapterOptions => ({
    transactions: 'off',
    staleSendMs,
    sendFault: (p) => {
      if (p !== armed) return;
      armed = null;
      throw new Error(`injected crash at ${p}`);
    },
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    for (const url of urls.splice(0)) {
      const c = mongoose.createConnection(url);
      await c.asPromise();
      await c.dropDatabase();
      await c.close();
    }
  });
  async function setUp(staleSendMs: number) {
    const url = new URL(uri ?? '');
    url.pathname = `/charla_send_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    urls.push(url.toString());
    const s = await openMongoStorage(url.toString(), undefined, options(staleSendMs));
    stores.push(s);
    const alice = await s.users.create({
      email: `a-${randomUUID().slice(0, 6)}@example.com`,
      username: `a_${randomUUID().slice(0, 6)}`,
      displayName: 'Alice',
      passwordHash: null,
      role: 'user',
    });
    const g = await s.conversations.create({ kind: 'group', title: 'G', createdBy: alice.id, now: new Date() });
    const msg = (text: string, clientMsgId: string): NewMessage => ({
      conversationId: g.id,
      senderId: alice.id,
      clientMsgId,
      kind: 'text',
      text,
      now: new Date(),
    });
    return { s, alice, g, msg };
  }

  it('a retry while the first attempt may still be alive waits, then answers retryable 503, not a duplicate-key 500', async () => {
    const { s, msg } = await setUp(60_000);
    armed = 'claimed';
    await expect(s.messages.send(msg('slow', 'c-1'))).rejects.toThrow(/injected crash/);
    const started = Date.now();
    const err = await s.messages.send(msg('slow', 'c-1')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect((err as StorageUnavailableError).retryAfterSeconds).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a takeover claims back the seq its dead writer reserved, and tombstones other holes', async () => {
    const { s, alice, g, msg } = await setUp(0);
    await s.messages.send(msg('one', 'c-0'));
    armed = 'reserved';
    await expect(s.messages.send(msg('first lost', 'c-1'))).rejects.toThrow(/injected crash/); // reserved 2
    armed = 'reserved';
    await expect(s.messages.send(msg('second lost', 'c-2'))).rejects.toThrow(/injected crash/); // reserved 3
    const first = await s.messages.send(msg('first lost', 'c-1'));
    expect(first).toMatchObject({ created: true, message: { seq: 2 } });
    const second = await s.messages.send(msg('second lost', 'c-2'));
    expect(second).toMatchObject({ created: true, message: { seq: 4 } });
    const history = await s.messages.history(g.id, alice.id, { limit: 10 });
    expect(history.map((m) => [m.seq, m.kind, m.text])).toEqual([
      [1, 'text', 'one'],
      [2, 'text', 'first lost'],
      [3, 'system', ''],
      [4, 'text', 'second lost'],
    ]);
    expect(history[2]).toMatchObject({ system: null, deletedAt: expect.any(Date), reactions: [] });
    // A tombstone is neither unread nor a user message in the list.
    const list = await s.conversations.getForUser(g.id, alice.id);
    expect(list?.unreadCount).toBe(0);
    expect(list?.lastMessage?.seq).toBe(4);
  });

  it('the periodic sweep finishes a send cut short after start-up once it is stale', async () => {
    const { s, alice, g, msg } = await setUp(300);
    armed = 'stamped';
    await expect(s.messages.send(msg('late', 'c-9'))).rejects.toThrow(/injected crash/);
    await expect
      .poll(async () => (await s.conversations.changesAfter(g.id, 0, { viewerId: alice.id, limit: 50 })).items.length, {
        timeout: 5_000,
      })
      .toBeGreaterThanOrEqual(3);
    const feed = await s.conversations.changesAfter(g.id, 0, { viewerId: alice.id, limit: 50 });
    expect(feed.items.filter((c) => c.type === 'message.created')).toHaveLength(1);
    expect(await s.messages.send(msg('late', 'c-9'))).toMatchObject({ created: true, message: { seq: 1 } });
  });
});

const replicaSet = uri
  ? await (async () => {
      const c = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 });
      try {
        await c.asPromise();
        return await supportsTransactions(c);
      } catch {
        return false;
      } finally {
        await c.close();
      }
    })()
  : false;

describeIf(
  replicaSet,
  uri ? 'MONGODB_URI is a standalone server (transactions need a replica set)' : 'no MongoDB (set MONGODB_URI)',
  'MongoDB send in a replica-set transaction',
  () => {
    let storage: Storage | undefined;
    let url = '';
    afterEach(async () => {
      await storage?.close();
      const c = mongoose.createConnection(url);
      await c.asPromise();
      await c.dropDatabase();
      await c.close();
    });

    it('a crash anywhere in the send leaves nothing behind: no row, no seq, no change', async () => {
      const u = new URL(uri ?? '');
      u.pathname = `/charla_txn_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
      url = u.toString();
      let armed: SendCrashPoint | null = 'change-reserved';
      storage = await openMongoStorage(url, undefined, {
        sendFault: (p) => {
          if (p !== armed) return;
          armed = null;
          throw new Error('injected crash');
        },
      });
      const alice = await storage.users.create({
        email: 'a@example.com',
        username: 'alice_txn',
        displayName: 'A',
        passwordHash: null,
        role: 'user',
      });
      const g = await storage.conversations.create({ kind: 'group', title: 'T', createdBy: alice.id, now: new Date() });
      const before = await storage.conversations.findById(g.id);
      const input = {
        conversationId: g.id,
        senderId: alice.id,
        clientMsgId: 'x',
        kind: 'text' as const,
        text: 'hi',
        now: new Date(),
      };
      await expect(storage.messages.send(input)).rejects.toThrow('injected crash');
      const after = await storage.conversations.findById(g.id);
      expect({ lastSeq: after?.lastSeq, changeSeq: after?.changeSeq }).toEqual({
        lastSeq: before?.lastSeq,
        changeSeq: before?.changeSeq,
      });
      expect(await storage.messages.history(g.id, alice.id, { limit: 10 })).toEqual([]);
      expect(await storage.messages.send(input)).toMatchObject({ created: true, message: { seq: 1 } });
    });
  },
);
