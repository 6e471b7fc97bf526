import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { describeIf } from '@charla/test-utils';
import mongoose from 'mongoose';
import { afterEach, describe, expect, it } from 'vitest';
import { StorageUnavailableError } from '../errors.ts';
import type { Storage } from '../ports.ts';
import { isMongoOutage, toStorageError } from './mongo-errors.ts';
import { openMongoStorage } from './mongo-storage.ts';

const { MongoNetworkError, MongoServerError, MongoWriteConcernError } = mongoose.mongo;

const labelled = (err: InstanceType<typeof MongoServerError>, label: string) => {
  err.addErrorLabel(label);
  return err;
};

describe('which MongoDB driver errors are outages', () => {
  it.each([
    ['network error', new MongoNetworkError('connection closed')],
    ['not primary', new MongoServerError({ code: 10107, errmsg: 'not primary', ok: 0 })],
    ['shutting down', new MongoServerError({ code: 91, errmsg: 'shutdown in progress', ok: 0 })],
    ['repl state change', new MongoServerError({ code: 11602, errmsg: 'interrupted', ok: 0 })],
    [
      'write concern',
      new MongoWriteConcernError({ ok: 1, writeConcernError: { code: 100, errmsg: 'unsatisfiable' } } as never),
    ],
    ['labelled retryable', labelled(new MongoServerError({ code: 1, errmsg: 'x', ok: 0 }), 'RetryableWriteError')],
    ['mongoose buffering', new Error('Operation `users.findOne()` buffering timed out after 10000ms')],
  ])('%s', (_what, err) => {
    expect(isMongoOutage(err)).toBe(true);
    expect(toStorageError(err)).toBeInstanceOf(StorageUnavailableError);
  });

  it.each([
    ['duplicate key', new MongoServerError({ code: 11000, errmsg: 'E11000 duplicate key', ok: 0 })],
    ['bad value (a bug)', new MongoServerError({ code: 2, errmsg: 'BadValue', ok: 0 })],
    ['plain error', new Error('boom')],
    ['not an error', 'string'],
  ])('not %s', (_what, err) => {
    expect(isMongoOutage(err)).toBe(false);
    expect(toStorageError(err)).toBe(err);
  });
});

/** A TCP relay in front of the real server, so a test can cut the database off and bring it back. */
async function relay(target: URL) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 27017), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    cut: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    restore: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve)),
  };
}

const uri = process.env.MONGODB_URI;
describeIf(Boolean(uri), 'no MongoDB (set MONGODB_URI)', 'a real MongoDB going away', () => {
  let storage: Storage | undefined;
  afterEach(async () => {
    await storage?.close();
  });

  it('answers StorageUnavailableError while unreachable and works again once it is back', async () => {
    const target = new URL(uri ?? '');
    const r = await relay(target);
    const via = new URL(target);
    via.host = `127.0.0.1:${r.port}`;
    via.pathname = `/charla_outage_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    via.searchParams.set('directConnection', 'true');
    storage = await openMongoStorage(via.toString());
    expect(await storage.users.count()).toBe(0);
    await r.cut();
    const started = Date.now();
    await expect(storage.users.count()).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await storage.ping().catch(() => false)).toBe(false);
    await r.restore();
    await expect.poll(() => storage?.users.count().catch(() => -1), { timeout: 20_000, interval: 500 }).toBe(0);
  }, 60_000);
});
