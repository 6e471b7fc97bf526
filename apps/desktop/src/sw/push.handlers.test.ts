import type { PushPayload } from '@charla/shared-types';
import { describe, expect, it } from 'vitest';
import { handleNotificationClick, handlePush, type SwScope, type SwWindowClient } from './push.handlers.ts';
import { isOpenConversationMessage, openPathFor, parsePush } from './push.view.ts';

/** The service worker's handlers against a fake registration and fake windows (what a browser gives them). */
function fakeScope(windows: Partial<SwWindowClient>[] = []) {
  const shown: { title: string; options: NotificationOptions; closed: boolean }[] = [];
  const opened: string[] = [];
  const posted: unknown[] = [];
  const focused: string[] = [];
  const clients = windows.map((w, i) => ({
    url: 'https://chat.example/#/',
    focused: false,
    visibilityState: 'hidden',
    ...w,
    focus: async () => focused.push(w.url ?? `w${i}`),
    postMessage: (m: unknown) => posted.push(m),
  }));
  const scope: SwScope = {
    origin: 'https://chat.example',
    registration: {
      async showNotification(title, options) {
        // Same tag replaces, as in browsers.
        for (const s of shown) if (s.options.tag === options.tag) s.closed = true;
        shown.push({ title, options, closed: false });
      },
      async getNotifications(filter) {
        return shown
          .filter((s) => !s.closed && (!filter?.tag || s.options.tag === filter.tag))
          .map((s) => ({
            tag: s.options.tag ?? '',
            data: s.options.data,
            close: () => {
              s.closed = true;
            },
          }));
      },
    },
    clients: {
      matchAll: async () => clients,
      openWindow: async (url) => opened.push(url),
    },
  };
  const visible = () => shown.filter((s) => !s.closed);
  return { scope, shown, visible, opened, posted, focused };
}

const payload = (over: Partial<PushPayload> = {}): PushPayload => ({
  v: 1,
  id: 'p1',
  conversationId: 'c1',
  messageId: 'm1',
  seq: 7,
  count: 1,
  lang: 'en',
  hidden: false,
  title: 'Ana',
  body: 'Hola Ben',
  mentioned: false,
  ...over,
});
const push = (scope: SwScope, p: unknown) => handlePush(scope, JSON.stringify(p));

describe('service worker: push', () => {
  it('shows sender and text, one notification per conversation with a running count', async () => {
    const f = fakeScope();
    await push(f.scope, payload());
    expect(f.visible()).toEqual([
      expect.objectContaining({ title: 'Ana', options: expect.objectContaining({ body: 'Hola Ben', tag: 'c1' }) }),
    ]);
    await push(f.scope, payload({ id: 'p2', count: 2, seq: 9, messageId: 'm3', body: 'third' }));
    expect(f.visible()).toHaveLength(1);
    expect(f.visible()[0]?.options.body).toBe('3 new messages\nthird');
    expect(f.visible()[0]?.options.data).toMatchObject({ conversationId: 'c1', seq: 9, count: 3, ids: ['p1', 'p2'] });
    // Another conversation is its own notification.
    await push(f.scope, payload({ id: 'p3', conversationId: 'c2' }));
    expect(f.visible().map((s) => s.options.tag)).toEqual(['c1', 'c2']);
  });

  it('a retry that reaches the device twice is not counted twice', async () => {
    const f = fakeScope();
    await push(f.scope, payload());
    await push(f.scope, payload());
    expect(f.visible()).toHaveLength(1);
    expect(f.visible()[0]?.options).toMatchObject({ body: 'Hola Ben', data: { count: 1, ids: ['p1'] } });
  });

  it('hidden pushes (encrypted chats, hide content) say only "New message", in the device language', async () => {
    const f = fakeScope();
    await push(f.scope, payload({ hidden: true, title: undefined, body: undefined, lang: 'es' }));
    expect(f.visible()[0]).toMatchObject({ title: 'Charla', options: { body: 'Mensaje nuevo' } });
    await push(f.scope, payload({ id: 'p2', hidden: true, title: undefined, body: undefined, lang: 'es', count: 2 }));
    expect(f.visible()[0]).toMatchObject({ title: 'Charla', options: { body: '3 mensajes nuevos' } });
    // Even if a server sent text with hidden: true, the worker does not show it.
    const g = fakeScope();
    await push(g.scope, payload({ hidden: true }));
    expect(g.visible()[0]).toMatchObject({ title: 'Charla', options: { body: 'New message' } });
  });

  it('an unreadable push still shows "New message" (browsers require a notification) and nothing else', async () => {
    for (const bad of [null, 'not json', JSON.stringify({ v: 2 }), JSON.stringify(payload({ seq: -1 }))]) {
      const f = fakeScope();
      await handlePush(f.scope, bad);
      expect(f.visible()).toEqual([
        expect.objectContaining({ title: 'Charla', options: expect.objectContaining({ body: 'New message' }) }),
      ]);
      expect(openPathFor(f.visible()[0]?.options.data)).toBeNull();
    }
    expect(parsePush(JSON.stringify({ ...payload(), title: 'x'.repeat(201) }))).toBeNull();
  });
});

describe('service worker: click', () => {
  it('an open Charla window is focused and told to open the conversation at the message', async () => {
    const f = fakeScope([
      { url: 'https://elsewhere.example/' },
      { url: 'https://chat.example/#/', visibilityState: 'visible' },
    ]);
    await push(f.scope, payload());
    await handleNotificationClick(f.scope, f.visible()[0]?.options.data);
    expect(f.focused).toEqual(['https://chat.example/#/']);
    expect(f.posted).toEqual([{ type: 'charla:open', conversationId: 'c1', seq: 7 }]);
    expect(f.posted.every(isOpenConversationMessage)).toBe(true);
    expect(f.opened).toEqual([]);
  });

  it('a push from a space carries it to the click: the open window is told, a new one opens there', async () => {
    const open = fakeScope([{ url: 'https://chat.example/#/', visibilityState: 'visible' }]);
    await push(open.scope, payload({ spaceId: 'sp-1' }));
    await handleNotificationClick(open.scope, open.visible()[0]?.options.data);
    expect(open.posted).toEqual([{ type: 'charla:open', conversationId: 'c1', seq: 7, spaceId: 'sp-1' }]);
    expect(open.posted.every(isOpenConversationMessage)).toBe(true);
    const none = fakeScope();
    await push(none.scope, payload({ spaceId: 'sp 1' }));
    await handleNotificationClick(none.scope, none.visible()[0]?.options.data);
    expect(none.opened).toEqual(['https://chat.example/#/c/c1/7?space=sp%201']);
    expect(
      isOpenConversationMessage({ type: 'charla:open', conversationId: 'c1', seq: 1, spaceId: 'x'.repeat(65) }),
    ).toBe(false);
    expect(isOpenConversationMessage({ type: 'charla:open', conversationId: 'c1', seq: 1, spaceId: 7 })).toBe(false);
  });

  it('with no window open, a new one opens on the conversation at that message', async () => {
    const f = fakeScope();
    await push(f.scope, payload({ conversationId: 'c/1?x' }));
    await handleNotificationClick(f.scope, f.visible()[0]?.options.data);
    expect(f.opened).toEqual(['https://chat.example/#/c/c%2F1%3Fx/7']);
    await handleNotificationClick(f.scope, null);
    expect(f.opened.at(-1)).toBe('https://chat.example/');
  });

  it('the page accepts only well-formed open messages', () => {
    expect(isOpenConversationMessage({ type: 'charla:open', conversationId: 'c1', seq: null })).toBe(true);
    expect(isOpenConversationMessage({ type: 'charla:open', conversationId: 'c1', seq: 1.5 })).toBe(false);
    expect(isOpenConversationMessage({ type: 'charla:open', conversationId: 'x'.repeat(129), seq: 1 })).toBe(false);
    expect(isOpenConversationMessage({ type: 'other', conversationId: 'c1', seq: 1 })).toBe(false);
    expect(isOpenConversationMessage(null)).toBe(false);
  });
});
