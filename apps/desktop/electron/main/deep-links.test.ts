// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import {
  createDeepLinkRouter,
  type DeepLinkApp,
  findDeepLinkInArgv,
  parseDeepLink,
  setupDeepLinks,
} from './deep-links.ts';

describe('parseDeepLink', () => {
  it.each(['charla://invite/AbC12345', 'charla://invite/abc-DEF_123/', `charla://invite/${'a'.repeat(64)}`])(
    'accepts %s',
    (url) => expect(parseDeepLink(url)?.kind).toBe('invite'),
  );

  it('accepts profile links, normalised, and refuses anything that is not exactly one', () => {
    expect(parseDeepLink('charla://u/ana.b_1/')).toEqual({
      kind: 'profile',
      username: 'ana.b_1',
      url: 'charla://u/ana.b_1',
    });
    for (const bad of [
      'charla://u/',
      'charla://u/ab',
      `charla://u/${'a'.repeat(33)}`,
      'charla://u/../invite/abcd1234',
      'charla://u/ana%2Fb',
      'charla://u/ana?x=1',
      'charla://u/ana#x',
      'charla://u/ana/extra',
      'charla://U/ana',
      'charla://user@u/ana',
    ])
      expect([bad, parseDeepLink(bad)]).toEqual([bad, null]);
  });

  it('accepts space links and space invites, normalised, and refuses anything that is not exactly one', () => {
    expect(parseDeepLink('charla://s/book-club/')).toEqual({
      kind: 'space',
      slug: 'book-club',
      url: 'charla://s/book-club',
    });
    expect(parseDeepLink('charla://s/book-club/invite/Ab_9-xyz1')).toEqual({
      kind: 'space',
      slug: 'book-club',
      code: 'Ab_9-xyz1',
      url: 'charla://s/book-club/invite/Ab_9-xyz1',
    });
    for (const bad of [
      'charla://s/',
      'charla://s/ab',
      'charla://s/-club',
      'charla://s/club-',
      'charla://s/Club',
      `charla://s/${'a'.repeat(41)}`,
      'charla://s/club/invite/short',
      'charla://s/club/invite/abcd1234/x',
      'charla://s/club/other',
      'charla://s/../invite/abcd1234',
      'charla://s/club%2Fx',
      'charla://s/club?x=1',
      'charla://s/club#x',
    ])
      expect([bad, parseDeepLink(bad)]).toEqual([bad, null]);
  });

  it('normalises the link it hands on', () => {
    expect(parseDeepLink('charla://invite/abcd1234/')).toEqual({
      kind: 'invite',
      code: 'abcd1234',
      url: 'charla://invite/abcd1234',
    });
  });

  it.each([
    'charla://invite/',
    'charla://invite/abc',
    'charla://invite/abcdefg',
    'charla://invite/abcd1234?join=1',
    'charla://invite/abcd1234#x',
    'charla://invite/abcd1234/extra',
    'charla://invite/../admin/abcd1234',
    'charla://invite/%2e%2e%2fabcd1234',
    'charla://invite/abc%20123',
    'charla://invite/abcd1234%00',
    'charla://user@invite/abcd1234',
    'charla://invite:80/abcd1234',
    'CHARLA://INVITE/abcd1234',
    'charla:invite/abcd1234',
    'charla:///invite/abcd1234',
    'charla://login/abcd1234',
    'charla://invite/abcd1234\nfoo',
    ' charla://invite/abcd1234',
    'https://invite/abcd1234',
    'javascript://invite/abcd1234',
    `charla://invite/${'a'.repeat(65)}`,
    `charla://invite/${'a'.repeat(600)}`,
    'charla://invite/ábc123',
    '',
  ])('rejects %j', (url) => expect(parseDeepLink(url)).toBeNull());

  it.each([undefined, null, 42, {}, ['charla://invite/abcd1234']])('rejects non-strings (%j)', (v) =>
    expect(parseDeepLink(v)).toBeNull(),
  );

  it("finds the link in a second instance's argv and ignores flags", () => {
    expect(
      findDeepLinkInArgv(['/opt/Charla/charla', '--no-sandbox', 'charla://evil', 'charla://invite/xyz78900']),
    ).toMatchObject({ code: 'xyz78900' });
    expect(findDeepLinkInArgv(['/opt/Charla/charla', '--inspect=9229'])).toBeNull();
  });
});

function fakeApp(lock: boolean) {
  const listeners: Record<string, (...args: never[]) => void> = {};
  const app = {
    requestSingleInstanceLock: vi.fn(() => lock),
    quit: vi.fn(),
    on: vi.fn((event: string, l: (...args: never[]) => void) => {
      listeners[event] = l;
    }),
    setAsDefaultProtocolClient: vi.fn(() => true),
  };
  return { app: app as unknown as DeepLinkApp & typeof app, listeners };
}

describe('single instance and protocol', () => {
  it('a second instance quits without registering anything', () => {
    const { app } = fakeApp(false);
    const router = createDeepLinkRouter(vi.fn(), vi.fn());
    expect(setupDeepLinks({ app, argv: [], router, focusWindow: vi.fn() })).toBe(false);
    expect(app.quit).toHaveBeenCalled();
    expect(app.setAsDefaultProtocolClient).not.toHaveBeenCalled();
  });

  it('the first instance registers charla:// and handles its own launch link, queued until ready', () => {
    const { app } = fakeApp(true);
    const deliver = vi.fn();
    const router = createDeepLinkRouter(deliver, vi.fn());
    setupDeepLinks({ app, argv: ['charla', 'charla://invite/first111'], router, focusWindow: vi.fn() });
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledWith('charla');
    expect(deliver).not.toHaveBeenCalled();
    expect(router.takePending()).toMatchObject([{ code: 'first111' }]);
    expect(router.takePending()).toEqual([]);
  });

  it('registers with the script path in development (electron .)', () => {
    const { app } = fakeApp(true);
    setupDeepLinks({
      app,
      argv: [],
      router: createDeepLinkRouter(vi.fn(), vi.fn()),
      focusWindow: vi.fn(),
      devRegistration: { execPath: '/usr/bin/electron', args: ['/src/app'] },
    });
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledWith('charla', '/usr/bin/electron', ['/src/app']);
  });

  it('a second launch focuses the first instance and hands over its link', () => {
    const { app, listeners } = fakeApp(true);
    const deliver = vi.fn();
    const focus = vi.fn();
    const router = createDeepLinkRouter(deliver, vi.fn());
    router.setReady(true);
    setupDeepLinks({ app, argv: [], router, focusWindow: focus });
    (listeners['second-instance'] as (e: unknown, argv: string[]) => void)({}, ['charla', 'charla://invite/second22']);
    expect(focus).toHaveBeenCalled();
    expect(deliver).toHaveBeenCalledWith({ kind: 'invite', code: 'second22', url: 'charla://invite/second22' });
    (listeners['second-instance'] as (e: unknown, argv: string[]) => void)({}, ['charla', 'charla://invite/../x']);
    expect(deliver).toHaveBeenCalledTimes(1);
  });

  it('macOS open-url is handled and its default prevented', () => {
    const { app, listeners } = fakeApp(true);
    const deliver = vi.fn();
    const router = createDeepLinkRouter(deliver, vi.fn());
    router.setReady(true);
    setupDeepLinks({ app, argv: [], router, focusWindow: vi.fn() });
    const event = { preventDefault: vi.fn() };
    (listeners['open-url'] as (e: typeof event, url: string) => void)(event, 'charla://invite/mac12345');
    expect(event.preventDefault).toHaveBeenCalled();
    expect(deliver).toHaveBeenCalledWith(expect.objectContaining({ code: 'mac12345' }));
  });

  it('bounds the queue so a flood of links cannot grow memory', () => {
    const router = createDeepLinkRouter(vi.fn(), vi.fn());
    for (let i = 0; i < 100; i++)
      router.handle({ kind: 'invite', code: `code${i}xxxx`, url: `charla://invite/code${i}xxxx` });
    expect(router.takePending()).toHaveLength(10);
  });
});
