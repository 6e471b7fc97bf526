// @vitest-environment node
/**
 * The cursor rule against the real server: a real socket.io connection as Ben, with some events
 * dropped on the way in (what a disconnect does), and the real /changes feed to recover them.
 */
import {
  type ConversationDetails,
  conversationDetailsSchema,
  historyPageSchema,
  type Message,
  paths,
  type ServerToClientEvents,
} from '@charla/shared-types';
import { QueryClient } from '@tanstack/react-query';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../server/test/harness.ts';
import type { MessagesState } from './cache.ts';
import { ChangeFeeds } from './change-feed.ts';
import { createApiClient } from './client.ts';
import { keys } from './query-keys.ts';
import { socketHandlers } from './sync.ts';

let t: TestApp;
let ana: RegisteredUser;
let ben: RegisteredUser;
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await startTestApp();
  ana = await registerUser(t, { displayName: 'Ana' });
  ben = await registerUser(t, { displayName: 'Ben' });
}, 30_000);

afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t?.close();
});

async function rest<T>(user: RegisteredUser, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${t.api}${path}`, {
    method,
    headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.ok, `${method} ${path} -> ${res.status}`).toBe(true);
  return ((await res.json()) as { data: T }).data;
}

const say = (conversationId: string, text: string) =>
  rest<Message>(ana, 'POST', paths.conversations.messages(conversationId), {
    clientMsgId: `c-${Math.random().toString(36).slice(2)}`,
    text,
  });

/** Ben's client: cache primed like the chat view does, a real socket, and a filter that loses events. */
async function bensClient(conversationId: string, lose: (event: string, payload: unknown) => boolean) {
  const qc = new QueryClient();
  const api = createApiClient(
    { serverUrl: () => t.url, session: { getAccessToken: async () => ben.accessToken } as never },
    () => undefined,
  );
  const details: ConversationDetails = await api.get(
    paths.conversations.byId(conversationId),
    conversationDetailsSchema,
  );
  const page = await api.get(`${paths.conversations.messages(conversationId)}?limit=50`, historyPageSchema);
  qc.setQueryData<MessagesState>(keys.messages(conversationId), {
    items: page.items,
    hasMoreBefore: page.hasMoreBefore,
    hasMoreAfter: false,
    changeSeq: details.changeSeq,
  });
  const get = vi.spyOn(api, 'get');
  const feeds = new ChangeFeeds({ qc, api, meId: ben.user.id, activeConversationId: () => null });
  const handlers = socketHandlers({ qc, meId: ben.user.id, api, feeds, activeConversationId: () => null });
  const socket = io(t.url, { auth: { token: ben.accessToken }, transports: ['websocket'], forceNew: true });
  sockets.push(socket);
  for (const [event, fn] of Object.entries(handlers) as [keyof ServerToClientEvents, (p: unknown) => void][])
    socket.on(
      event as never,
      ((p: unknown) => {
        if (!lose(event, p)) fn(p);
      }) as never,
    );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const state = () => qc.getQueryData<MessagesState>(keys.messages(conversationId));
  return { qc, state, get, cursor: details.changeSeq };
}

async function serverCursor(conversationId: string): Promise<number> {
  return (await rest<ConversationDetails>(ben, 'GET', paths.conversations.byId(conversationId))).changeSeq;
}

describe('change-feed cursor against the real server', () => {
  it('a lost message:created (N+1) is fetched when N+2 arrives; the client ends with both, cursor = server', async () => {
    const conv = await rest<{ id: string }>(ana, 'POST', paths.conversations.create, {
      kind: 'direct',
      userId: ben.user.id,
    });
    await say(conv.id, 'first');
    let lost = 0;
    const c = await bensClient(conv.id, (event) => event === 'message:created' && lost++ === 0);
    expect(c.state()?.items.map((m) => m.text)).toEqual(['first']);

    await say(conv.id, 'lost in a disconnect');
    await say(conv.id, 'arrives');
    await vi.waitFor(() => expect(c.state()?.items.map((m) => m.text)).toContain('lost in a disconnect'));
    expect(c.state()?.items.map((m) => m.text)).toEqual(['first', 'lost in a disconnect', 'arrives']);
    expect(c.get).toHaveBeenCalledWith(`${paths.conversations.changes(conv.id)}?after=${c.cursor}`, expect.anything());
    await vi.waitFor(async () => expect(c.state()?.changeSeq).toBe(await serverCursor(conv.id)));
  });

  it('a lost reaction is recovered by the next event, and in-order events fetch nothing', async () => {
    const conv = await rest<{ id: string }>(ana, 'POST', paths.conversations.create, {
      kind: 'group',
      title: 'Feed test',
      memberIds: [ben.user.id],
    });
    const m1 = await say(conv.id, 'react to me');
    const c = await bensClient(conv.id, (event) => event === 'reaction:updated');
    await say(conv.id, 'in order');
    await vi.waitFor(() => expect(c.state()?.items.map((m) => m.text)).toContain('in order'));
    expect(c.get).not.toHaveBeenCalled();
    expect(c.state()?.changeSeq).toBe(await serverCursor(conv.id));

    await rest(ana, 'PUT', paths.messages.reaction(m1.id, '🎉'));
    await say(conv.id, 'after the reaction');
    await vi.waitFor(() =>
      expect(c.state()?.items.find((m) => m.id === m1.id)?.reactions).toEqual([
        expect.objectContaining({ emoji: '🎉', count: 1 }),
      ]),
    );
    await vi.waitFor(async () => expect(c.state()?.changeSeq).toBe(await serverCursor(conv.id)));
    const texts = c
      .state()
      ?.items.filter((m) => m.kind !== 'system')
      .map((m) => m.text);
    expect(texts).toEqual(['react to me', 'in order', 'after the reaction']);
  });
});
