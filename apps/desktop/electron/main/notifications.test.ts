// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import type { NotificationPrefs } from '../shared/ipc-contract.ts';
import {
  createNotifier,
  decide,
  HIDDEN_BODY,
  HIDDEN_TITLE,
  type NativeNotification,
  type NotificationDeps,
} from './notifications.ts';

const prefs = (p: Partial<NotificationPrefs> = {}): NotificationPrefs => ({
  level: 'all',
  sound: true,
  hideContent: false,
  doNotDisturb: false,
  ...p,
});

/** A notifier over fake native notifications: unfocused window, default prefs, unless `over` says otherwise. */
const notifier = (f: { create: NotificationDeps['create'] }, over: Partial<NotificationDeps> = {}) =>
  createNotifier({
    create: f.create,
    prefs: () => prefs(),
    isWindowFocused: () => false,
    openConversation: vi.fn(),
    ...over,
  });

describe('notification policy', () => {
  const base = { windowFocused: false, activeConversationId: null };
  const msg = (m: { mentioned?: boolean; muted?: boolean } = {}) => ({ conversationId: 'c1', ...m });

  it.each([
    ['unfocused window', { ...base }, prefs(), msg(), true],
    ['focused, other conversation open', { windowFocused: true, activeConversationId: 'c2' }, prefs(), msg(), true],
    ['focused, this conversation open', { windowFocused: true, activeConversationId: 'c1' }, prefs(), msg(), false],
    ['unfocused, this conversation open', { windowFocused: false, activeConversationId: 'c1' }, prefs(), msg(), true],
    ['do not disturb', base, prefs({ doNotDisturb: true }), msg(), false],
    ['do not disturb beats mentions', base, prefs({ doNotDisturb: true }), msg({ mentioned: true }), false],
    ['level none', base, prefs({ level: 'none' }), msg({ mentioned: true }), false],
    ['mentions only, no mention', base, prefs({ level: 'mentions' }), msg(), false],
    ['mentions only, mention', base, prefs({ level: 'mentions' }), msg({ mentioned: true }), true],
    ['muted conversation', base, prefs(), msg({ muted: true }), false],
    ['muted, but a mention', base, prefs(), msg({ muted: true, mentioned: true }), true],
    [
      'muted + mentions only + mention',
      base,
      prefs({ level: 'mentions' }),
      msg({ muted: true, mentioned: true }),
      true,
    ],
  ] as const)('%s', (_name, state, p, message, notify) => {
    expect(decide({ ...state, prefs: p, message }).notify).toBe(notify);
  });
});

function fakeFactory() {
  const created: Array<{
    title: string;
    body: string;
    silent: boolean;
    hasReply: boolean;
    shown: boolean;
    closed: boolean;
    click: () => void;
    reply: (event: unknown, text: string) => void;
  }> = [];
  const create = (o: { title: string; body: string; silent: boolean; hasReply: boolean }): NativeNotification => {
    const record = { ...o, shown: false, closed: false, click: () => {}, reply: (_e: unknown, _t: string) => {} };
    created.push(record);
    return {
      show: () => {
        record.shown = true;
      },
      close: () => {
        record.closed = true;
      },
      on: (e: 'click' | 'reply', l: (...a: never[]) => void) => {
        if (e === 'reply') record.reply = l as typeof record.reply;
        else record.click = l as () => void;
      },
    };
  };
  return { created, create };
}

const args = (conversationId: string, body: string, extra: { mentioned?: boolean; muted?: boolean } = {}) => ({
  tag: conversationId,
  title: 'Ana',
  body,
  conversationId,
  ...extra,
});

describe('notifier', () => {
  it('inline Reply: typed text goes to the conversation (trimmed, capped); empty replies do nothing', () => {
    const f = fakeFactory();
    const reply = vi.fn();
    const n = notifier(f, { prefs: () => prefs({ hideContent: true }), reply });
    n.show(args('c1', 'lunch?'));
    const shown = f.created[0];
    expect(shown?.hasReply).toBe(true);
    shown?.reply({}, '  on my way  ');
    expect(reply).toHaveBeenCalledWith('c1', 'on my way');
    expect(n.pending().has('c1')).toBe(false);
    shown?.reply({}, '   ');
    shown?.reply({}, 42 as unknown as string);
    expect(reply).toHaveBeenCalledTimes(1);
    n.show(args('c2', 'long'));
    f.created[1]?.reply({}, 'x'.repeat(5000));
    expect(reply).toHaveBeenLastCalledWith('c2', 'x'.repeat(4000));
  });

  it('no Reply field where the host has none', () => {
    const f = fakeFactory();
    const n = notifier(f);
    n.show(args('c1', 'hi'));
    expect(f.created[0]?.hasReply).toBe(false);
  });

  it('coalesces a burst into one notification per conversation, replacing the previous one', () => {
    const f = fakeFactory();
    const n = notifier(f);
    expect(n.show(args('c1', 'hi'))).toBe('shown');
    expect(n.show(args('c1', 'are you there?'))).toBe('replaced');
    expect(n.show(args('c2', 'other chat'))).toBe('shown');
    expect(n.show(args('c1', 'hello??'))).toBe('replaced');
    const open = f.created.filter((c) => c.shown && !c.closed);
    expect(open.map((c) => c.body)).toEqual(['other chat', '3 new messages\nhello??']);
    expect(n.pending()).toEqual(
      new Map([
        ['c1', 3],
        ['c2', 1],
      ]),
    );
  });

  it('hides sender and content when asked', () => {
    const f = fakeFactory();
    const n = notifier(f, { prefs: () => prefs({ hideContent: true, sound: false }) });
    n.show(args('c1', 'my secret'));
    expect(f.created[0]).toMatchObject({ title: HIDDEN_TITLE, body: HIDDEN_BODY, silent: true });
    n.show(args('c1', 'second secret'));
    expect(JSON.stringify(f.created)).not.toContain('secret');
    expect(JSON.stringify(f.created)).not.toContain('Ana');
  });

  it('click focuses the window and opens the conversation', () => {
    const f = fakeFactory();
    const open = vi.fn();
    const n = notifier(f, { openConversation: open });
    n.show(args('c7', 'hey'));
    f.created[0]?.click();
    expect(open).toHaveBeenCalledWith('c7');
    expect(n.pending().size).toBe(0);
    expect(n.show(args('c7', 'again'))).toBe('shown');
  });

  it('opening the conversation dismisses its notification and suppresses new ones while focused', () => {
    const f = fakeFactory();
    let focused = false;
    const n = notifier(f, { isWindowFocused: () => focused });
    n.show(args('c1', 'one'));
    focused = true;
    n.setActiveConversation('c1');
    expect(f.created[0]?.closed).toBe(true);
    expect(n.show(args('c1', 'two'))).toBe('suppressed');
    expect(n.show(args('c2', 'elsewhere'))).toBe('shown');
  });

  it('truncates very long bodies', () => {
    const f = fakeFactory();
    const n = notifier(f);
    n.show(args('c1', 'x'.repeat(2000)));
    expect(f.created[0]?.body.length).toBeLessThanOrEqual(240);
  });
});
