import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Storage, UserRecord } from '../../storage/ports.ts';
import { openSqliteStorage } from '../../storage/sqlite/sqlite-storage.ts';
import { toMessageDto } from '../messaging/messages.mapper.ts';
import { createDispatcher, pushText } from './notify.dispatch.ts';

/**
 * Dispatch decisions on a real SQLite store. Encrypted conversations cannot be created on this
 * branch's API yet, so the store answers `encrypted: true` for one conversation: the content policy
 * (messaging/content-policy.ts) must then keep every word out of the queued push.
 */
let dir: string;
let storage: Storage;
let encrypted: Set<string>;
let ana: UserRecord;
let ben: UserRecord;
const now = new Date('2026-05-01T12:00:00.000Z');

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-dispatch-'));
  const real = openSqliteStorage(dir);
  encrypted = new Set();
  storage = {
    ...real,
    conversations: {
      ...real.conversations,
      findById: async (id) => {
        const c = await real.conversations.findById(id);
        return c && encrypted.has(id) ? { ...c, encrypted: true } : c;
      },
    },
  };
  const user = (name: string) =>
    storage.users.create({
      email: `${name}@example.com`,
      username: name,
      displayName: name,
      passwordHash: null,
      role: 'user',
    });
  ana = await user('Ana');
  ben = await user('Ben');
});
afterEach(async () => {
  await storage.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const dispatcher = (active: string[] = []) =>
  createDispatcher({
    storage,
    clock: { now: () => now },
    logger: pino({ level: 'silent' }),
    activity: async (ids) => new Set(ids.filter((id) => active.includes(id))),
    options: { coalesceMs: 1000 },
    queued: () => undefined,
  });

async function directMessage(text: string) {
  const { conversation } = await storage.conversations.createDirect(ana.id, ben.id, now);
  const sent = await storage.messages.send({
    conversationId: conversation.id,
    senderId: ana.id,
    clientMsgId: `c-${text}`,
    kind: 'text',
    text,
    now,
  });
  if (!sent) throw new Error('not sent');
  return { conversation, message: toMessageDto(sent.message) };
}

const subscribe = (hideContent = false) =>
  storage.pushSubscriptions.upsert({
    userId: ben.id,
    sessionId: 'ben-phone',
    endpoint: 'https://push.example/ben',
    p256dh: 'p'.repeat(87),
    auth: 'a'.repeat(22),
    prefs: { level: 'all', hideContent, doNotDisturb: false, locale: 'en' },
    now,
  });

async function queued() {
  const jobs = await storage.pushQueue.claimDue(new Date(now.getTime() + 60_000), 1000, 10);
  return jobs;
}

describe('push dispatch', () => {
  it('an encrypted conversation pushes only "New message" and the conversation id, never content', async () => {
    await subscribe();
    const { conversation, message } = await directMessage('the launch code is 1234');
    encrypted.add(conversation.id);
    await dispatcher().messageCreated([ana.id, ben.id], message);
    const [job] = await queued();
    expect(job).toMatchObject({ conversationId: conversation.id, content: { hidden: true }, urgency: 'high' });
    expect(JSON.stringify(job)).not.toContain('launch');
    expect(JSON.stringify(job)).not.toContain('Ana');
  });

  it('a readable conversation carries sender and text; hide-content on the device hides them', async () => {
    const sub = await subscribe();
    const { message } = await directMessage('hello there');
    await dispatcher().messageCreated([ana.id, ben.id], message);
    expect((await queued())[0]?.content).toEqual({
      hidden: false,
      title: 'Ana',
      body: 'hello there',
      mentioned: false,
    });
    await storage.pushSubscriptions.upsert({ ...sub, prefs: { ...sub.prefs, hideContent: true }, now });
    await dispatcher().messageCreated([ana.id, ben.id], { ...message, id: 'm2', seq: message.seq + 1 });
    expect((await queued())[0]?.content).toEqual({ hidden: true });
  });

  it('nothing for the sender, for users with a device online, for system messages', async () => {
    await subscribe();
    const { message } = await directMessage('hi');
    await dispatcher([ben.id]).messageCreated([ana.id, ben.id], message);
    await dispatcher().messageCreated([ana.id], message);
    await dispatcher().messageCreated([ana.id, ben.id], { ...message, kind: 'system' });
    expect(await queued()).toEqual([]);
  });

  it('formats like the clients: direct = sender / text; group = title / "sender: text"; attachments', () => {
    expect(pushText({ kind: 'direct', title: null }, 'Ana', { text: ' hi ', attachments: [] })).toEqual({
      title: 'Ana',
      body: 'hi',
    });
    expect(pushText({ kind: 'group', title: 'Trip' }, 'Ana', { text: '', attachments: ['m1'] })).toEqual({
      title: 'Trip',
      body: 'Ana: 📎',
    });
    expect(
      pushText({ kind: 'group', title: 'Trip' }, 'Ana', { text: 'x'.repeat(500), attachments: [] }).body,
    ).toHaveLength(240);
  });
});
