import { randomUUID } from 'node:crypto';
import { describeIf } from '@charla/test-utils';
import mongoose from 'mongoose';
import { afterEach, expect, it } from 'vitest';
import { StorageStartError } from '../errors.ts';
import { openMongoStorage } from './mongo-storage.ts';

const uri = process.env.MONGODB_URI;

describeIf(Boolean(uri), 'no MongoDB (set MONGODB_URI)', 'MongoDB start-up names what failed', () => {
  const dbs: string[] = [];
  const fresh = () => {
    const url = new URL(uri ?? '');
    url.pathname = `/charla_startup_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    dbs.push(url.toString());
    return url.toString();
  };
  afterEach(async () => {
    for (const db of dbs.splice(0)) {
      const c = mongoose.createConnection(db);
      await c.asPromise();
      await c.dropDatabase();
      await c.close();
    }
  });
  const raw = async (db: string, run: (c: mongoose.Connection) => Promise<unknown>) => {
    const c = mongoose.createConnection(db);
    try {
      await c.asPromise();
      await run(c);
    } finally {
      await c.close();
    }
  };

  it('an existing index with the same name and other options stops start-up naming both', async () => {
    const db = fresh();
    // What an older deployment might have: email_1 without `unique`.
    await raw(db, (c) => c.collection('users').createIndex({ email: 1 }, { name: 'email_1' }));
    const err = await openMongoStorage(db).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageStartError);
    expect((err as Error).message).toMatch(/cannot create index "email_1" on collection "users"/);
    expect((err as Error).message).toMatch(/dropIndex\("email_1"\)/);
  });

  it('a unique index over duplicates already stored stops start-up naming it', async () => {
    const db = fresh();
    const dup = { conversationId: 'c', senderId: 'u', clientMsgId: 'same', kind: 'text', text: '' };
    await raw(db, (c) =>
      c.collection('messages').insertMany([
        { ...dup, _id: 'a' as never, seq: 1 },
        { ...dup, _id: 'b' as never, seq: 2 },
      ]),
    );
    const err = await openMongoStorage(db).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageStartError);
    expect((err as Error).message).toMatch(/index "senderId_1_clientMsgId_1" on collection "messages"/);
  });

  it('a clean database opens and the indexes exist by name', async () => {
    const db = fresh();
    const storage = await openMongoStorage(db);
    await storage.close();
    await raw(db, async (c) => {
      const names = (await c.collection('messages').indexes()).map((i) => i.name);
      expect(names).toEqual(expect.arrayContaining(['senderId_1_clientMsgId_1', 'createdAt_1_kind_1_senderId_1']));
    });
  });
});
