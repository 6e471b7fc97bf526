import path from 'node:path';
import type { ConversationSummary } from '@charla/shared-types';
import Database from 'better-sqlite3';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, emitAck, restAs } from '../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../test/harness.ts';
import { translateOutages } from '../storage/mongo/mongo-errors.ts';
import type { MessagesRepo } from '../storage/ports.ts';

/**
 * A database that is down, has no primary or stays locked answers 503 `unavailable` with a wait
 * (Retry-After header and `retryAfter` in the envelope / ack), never a 500.
 */
describe('database outages answer 503 with Retry-After', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let group: string;
  let realSend: MessagesRepo['send'];

  beforeAll(async () => {
    t = await startTestApp();
    ana = await registerUser(t);
    group = (
      await restAs(t.api, ana.accessToken).post<ConversationSummary>('/conversations', {
        kind: 'group',
        title: 'Outage',
        memberIds: [],
      })
    ).body.data.id;
    realSend = t.storage.messages.send;
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The send repo method fails the way the MongoDB adapter reports `err` (through its translation). */
  const failSendWith = (err: Error) => {
    const failing = translateOutages({
      send: async () => {
        throw err;
      },
    });
    (t.storage.messages as { send: MessagesRepo['send'] }).send = failing.send;
  };
  const restore = () => {
    (t.storage.messages as { send: MessagesRepo['send'] }).send = realSend;
  };

  const driverErrors: [string, () => Error][] = [
    ['a network error', () => new mongoose.mongo.MongoNetworkError('connection 3 to 10.0.0.5:27017 closed')],
    ['a network timeout', () => new mongoose.mongo.MongoNetworkTimeoutError('connection timed out')],
    [
      'no server selectable',
      () =>
        new mongoose.mongo.MongoServerSelectionError('Server selection timed out after 5000 ms', {
          error: null,
        } as never),
    ],
    ['not primary', () => new mongoose.mongo.MongoServerError({ code: 10107, errmsg: 'not primary', ok: 0 })],
    ['a stepped-down primary', () => new mongoose.mongo.MongoServerError({ code: 189, errmsg: 'stepped down', ok: 0 })],
    [
      'a write concern failure',
      () =>
        new mongoose.mongo.MongoWriteConcernError({
          ok: 1,
          writeConcernError: { code: 64, errmsg: 'waiting for replication timed out', errInfo: { wtimeout: true } },
        } as never),
    ],
  ];

  it.each(driverErrors)('REST: %s -> 503 unavailable, Retry-After in header and body', async (_what, make) => {
    failSendWith(make());
    try {
      const res = await fetch(`${t.api}/conversations/${group}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ana.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ clientMsgId: 'outage-1', text: 'hello' }),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ error: true, status: 503, code: 'unavailable', retryAfter: 5 });
      expect(JSON.stringify(body)).not.toMatch(/10\.0\.0\.5|Mongo|stack/);
    } finally {
      restore();
    }
  });

  it('a driver error that is not an outage (a bug) stays a 500', async () => {
    failSendWith(new mongoose.mongo.MongoServerError({ code: 2, errmsg: 'BadValue', ok: 0 }));
    try {
      const res = await restAs(t.api, ana.accessToken).post(`/conversations/${group}/messages`, {
        clientMsgId: 'bug-1',
        text: 'hello',
      });
      expect(res.status).toBe(500);
      expect(res.body.code).toBe('internal');
    } finally {
      restore();
    }
  });

  it('socket: message:send acks unavailable with retryAfter', async () => {
    failSendWith(new mongoose.mongo.MongoNetworkError('connection reset'));
    const socket = await connectSocket(t.url, ana.accessToken);
    try {
      const ack = await emitAck(socket, 'message:send', { conversationId: group, clientMsgId: 'outage-2', text: 'hi' });
      expect(ack).toEqual({
        ok: false,
        error: { code: 'unavailable', message: expect.any(String), retryAfter: 5 },
      });
    } finally {
      socket.close();
      restore();
    }
  });

  it('SQLite locked by another process past busy_timeout -> 503 unavailable, then recovers', async () => {
    const other = new Database(path.join(t.dataDir, 'charla.sqlite'));
    other.prepare('BEGIN IMMEDIATE').run();
    try {
      const res = await restAs(t.api, ana.accessToken).post(`/conversations/${group}/messages`, {
        clientMsgId: 'busy-1',
        text: 'while locked',
      });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ code: 'unavailable', retryAfter: 2 });
    } finally {
      other.prepare('ROLLBACK').run();
      other.close();
    }
    const retry = await restAs(t.api, ana.accessToken).post(`/conversations/${group}/messages`, {
      clientMsgId: 'busy-1',
      text: 'while locked',
    });
    expect(retry.status).toBe(201);
  }, 30_000);
});
