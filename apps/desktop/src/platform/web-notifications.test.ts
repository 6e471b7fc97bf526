import { describe, expect, it, vi } from 'vitest';
import type { ClientSettings, NotificationRequest } from './platform.ts';
import { createWebNotifier, type WebNotificationHost } from './web.ts';

type Prefs = ClientSettings['notifications'];

function setup(prefs: Partial<Prefs> = {}, opts: { focused?: boolean; permitted?: boolean } = {}) {
  const shown: { title: string; body: string; tag: string; silent: boolean; click: () => void }[] = [];
  const host: WebNotificationHost = {
    windowFocused: () => opts.focused ?? false,
    permitted: vi.fn(async () => opts.permitted ?? true),
    show: (title, o, click) => shown.push({ title, ...o, click }),
  };
  const clicked = vi.fn();
  const n = createWebNotifier(async () => ({ level: 'all', sound: true, hideContent: false, ...prefs }), clicked, host);
  return { n, shown, clicked, host };
}

const req = (over: Partial<NotificationRequest> = {}): NotificationRequest => ({
  tag: 'c1',
  title: 'Ana',
  body: 'hola',
  conversationId: 'c1',
  mentioned: false,
  muted: false,
  ...over,
});

describe('web notification policy (same as the desktop main process)', () => {
  it('shows a message for a conversation that is not on screen, with its text', async () => {
    const { n, shown } = setup();
    expect(await n.notify(req())).toBe('shown');
    expect(shown[0]).toMatchObject({ title: 'Ana', body: 'hola', tag: 'c1', silent: false });
  });

  it('a muted conversation stays quiet, but a mention gets through', async () => {
    const { n, shown } = setup();
    expect(await n.notify(req({ muted: true }))).toBe('suppressed');
    expect(await n.notify(req({ muted: true, mentioned: true }))).toBe('shown');
    expect(shown).toHaveLength(1);
  });

  it('mentions-only lets only mentions through; none lets nothing through', async () => {
    const mentions = setup({ level: 'mentions' });
    expect(await mentions.n.notify(req())).toBe('suppressed');
    expect(await mentions.n.notify(req({ mentioned: true }))).toBe('shown');
    const none = setup({ level: 'none' });
    expect(await none.n.notify(req({ mentioned: true }))).toBe('suppressed');
  });

  it('hide content replaces title and text; sound off makes it silent', async () => {
    const { n, shown } = setup({ hideContent: true, sound: false });
    await n.notify(req({ title: 'Secret group', body: 'the plan' }));
    expect(shown[0]).toMatchObject({ title: 'Charla', body: 'New message', silent: true });
    expect(JSON.stringify(shown)).not.toContain('the plan');
  });

  it('not for the conversation on screen in a focused tab; yes when the tab is in the background', async () => {
    const focused = setup({}, { focused: true });
    focused.n.focusConversation('c1');
    expect(await focused.n.notify(req())).toBe('suppressed');
    expect(await focused.n.notify(req({ conversationId: 'c2', tag: 'c2' }))).toBe('shown');
    const background = setup({}, { focused: false });
    background.n.focusConversation('c1');
    expect(await background.n.notify(req())).toBe('shown');
  });

  it('coalesces a burst into one notification per conversation with a count, reset by opening it', async () => {
    const { n, shown, clicked } = setup();
    expect(await n.notify(req({ body: 'one' }))).toBe('shown');
    expect(await n.notify(req({ body: 'two' }))).toBe('replaced');
    expect(shown[1]).toMatchObject({ tag: 'c1', body: '2 new messages\ntwo' });
    shown[1]?.click();
    expect(clicked).toHaveBeenCalledWith('c1');
    expect(await n.notify(req({ body: 'three' }))).toBe('shown');
  });

  it('shows nothing without permission', async () => {
    const { n, shown } = setup({}, { permitted: false });
    expect(await n.notify(req())).toBe('suppressed');
    expect(shown).toHaveLength(0);
  });
});
