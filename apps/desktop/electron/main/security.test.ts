// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import {
  APP_ORIGIN,
  attachNavigationGuards,
  buildCsp,
  buildWebPreferences,
  type GuardedWebContents,
  installCspHeader,
  installPermissionHandlers,
  isPermissionAllowed,
  openExternalSafely,
  type PermissionSession,
} from './security.ts';
import { validateExternalUrl } from './url-guards.ts';

const origins = [APP_ORIGIN];

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name as string, values];
    }),
  );
}

describe('webPreferences', () => {
  it('turns on isolation and sandbox and off everything Node', () => {
    const prefs = buildWebPreferences('/app/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });
});

describe('CSP', () => {
  it('limits connect-src to the configured server over http and ws', () => {
    const d = directives(buildCsp({ serverOrigin: 'https://chat.example.com' }));
    expect(d.get('connect-src')).toEqual(["'self'", 'https://chat.example.com', 'wss://chat.example.com']);
    expect(d.get('default-src')).toEqual(["'self'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('object-src')).toEqual(["'none'"]);
    expect(d.get('frame-ancestors')).toEqual(["'none'"]);
    expect(d.get('base-uri')).toEqual(["'none'"]);
  });

  it('uses only the origin of the server URL and maps http to ws', () => {
    const d = directives(buildCsp({ serverOrigin: 'http://localhost:4000/some/path?x=1' }));
    expect(d.get('connect-src')).toEqual(["'self'", 'http://localhost:4000', 'ws://localhost:4000']);
  });

  it('never allows inline or eval scripts in production', () => {
    const csp = buildCsp({ serverOrigin: 'https://a.example' });
    expect(directives(csp).get('script-src')).not.toContain("'unsafe-inline'");
    expect(csp).not.toContain('unsafe-eval');
  });

  it('adds the Vite dev server (and its HMR socket) only in development', () => {
    const d = directives(
      buildCsp({ serverOrigin: 'http://localhost:4000', devServerOrigin: 'http://localhost:5173/' }),
    );
    expect(d.get('connect-src')).toContain('ws://localhost:5173');
    expect(d.get('script-src')).toContain('http://localhost:5173');
  });

  it('refuses a server origin that is not http(s) (no injection through the setting)', () => {
    expect(() => buildCsp({ serverOrigin: "javascript:alert(1)'" })).toThrow();
    expect(() => buildCsp({ serverOrigin: 'not a url' })).toThrow();
    // A value with spaces cannot add directives: it is refused; ';' in a path is dropped with the path.
    expect(() => buildCsp({ serverOrigin: 'https://a.example/;script-src *' })).toThrow();
    const csp = buildCsp({ serverOrigin: 'https://a.example/;script-src:*' });
    expect(directives(csp).get('script-src')).toEqual(["'self'"]);
  });

  it('is set on documents from the app origins and not on API responses', () => {
    let listener: Parameters<Parameters<typeof installCspHeader>[0]['webRequest']['onHeadersReceived']>[0] = () => {};
    installCspHeader(
      { webRequest: { onHeadersReceived: (l) => (listener = l) } },
      [APP_ORIGIN, 'http://localhost:5173'],
      () => 'default-src self',
    );
    const dev = vi.fn();
    listener({ url: 'http://localhost:5173/', responseHeaders: { 'content-security-policy': ['default-src *'] } }, dev);
    expect(dev.mock.calls[0]?.[0].responseHeaders).toEqual({ 'Content-Security-Policy': ['default-src self'] });
    const api = vi.fn();
    listener({ url: 'http://localhost:4000/api/v1/auth/me', responseHeaders: { a: ['b'] } }, api);
    expect(api.mock.calls[0]?.[0].responseHeaders).toEqual({ a: ['b'] });
  });
});

describe('external URLs', () => {
  it.each(['https://example.com/a?b=c#d', 'http://example.com'])('opens %s', (url) =>
    expect(validateExternalUrl(url)).not.toBeNull(),
  );

  it.each([
    'javascript:alert(1)',
    'file:///etc/passwd',
    'smb://evil/share',
    'charla://invite/abc',
    'data:text/html,<script>alert(1)</script>',
    'ms-msdt:/id PCWDiagnostic',
    'https://user:pass@example.com/',
    'https://exa mple.com',
    'https://example.com/\n',
    ` https://example.com`,
    '',
    '//example.com',
    42,
    null,
  ])('refuses %s', async (url) => {
    expect(validateExternalUrl(url)).toBeNull();
    const open = vi.fn(async () => undefined);
    expect(await openExternalSafely(url, open)).toBe(false);
    expect(open).not.toHaveBeenCalled();
  });
});

function fakeContents() {
  const listeners = new Map<string, (event: { preventDefault(): void }, url: string) => void>();
  let openHandler: ((d: { url: string }) => { action: 'deny' }) | undefined;
  const contents: GuardedWebContents = {
    on: ((event: string, l: (event: { preventDefault(): void }, url: string) => void) => {
      listeners.set(event, l);
    }) as GuardedWebContents['on'],
    setWindowOpenHandler: (h) => {
      openHandler = h;
    },
  };
  const navigate = (event: string, url: string) => {
    const e = {
      prevented: false,
      preventDefault() {
        this.prevented = true;
      },
    };
    listeners.get(event)?.(e, url);
    return e.prevented;
  };
  return { contents, navigate, open: (url: string) => openHandler?.({ url }) };
}

it('refuses over-long external URLs', () => {
  expect(validateExternalUrl(`https://example.com/${'a'.repeat(3000)}`)).toBeNull();
});

describe('navigation guards', () => {
  it('lets the app navigate within its own origin', () => {
    const f = fakeContents();
    const open = vi.fn(async () => undefined);
    attachNavigationGuards(f.contents, { appOrigins: origins, openExternal: open });
    expect(f.navigate('will-navigate', 'app://charla/index.html#/c/1')).toBe(false);
    expect(open).not.toHaveBeenCalled();
  });

  it('blocks remote navigation and sends http(s) to the browser', async () => {
    const f = fakeContents();
    const open = vi.fn(async () => undefined);
    attachNavigationGuards(f.contents, { appOrigins: origins, openExternal: open });
    expect(f.navigate('will-navigate', 'https://evil.example/phish')).toBe(true);
    expect(f.navigate('will-redirect', 'https://evil.example/phish')).toBe(true);
    await Promise.resolve();
    expect(open).toHaveBeenCalledWith('https://evil.example/phish');
  });

  it('blocks and never opens dangerous schemes', async () => {
    const f = fakeContents();
    const open = vi.fn(async () => undefined);
    attachNavigationGuards(f.contents, { appOrigins: origins, openExternal: open });
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'app://evil/index.html', 'smb://x/y'])
      expect(f.navigate('will-navigate', url)).toBe(true);
    expect(f.navigate('will-attach-webview', '')).toBe(true);
    await Promise.resolve();
    expect(open).not.toHaveBeenCalled();
  });

  it('denies every window.open, opening only validated links outside', async () => {
    const f = fakeContents();
    const open = vi.fn(async () => undefined);
    attachNavigationGuards(f.contents, { appOrigins: origins, openExternal: open });
    expect(f.open('https://example.com/')).toEqual({ action: 'deny' });
    expect(f.open('file:///C:/Windows/system32/calc.exe')).toEqual({ action: 'deny' });
    expect(f.open('app://charla/index.html')).toEqual({ action: 'deny' });
    await Promise.resolve();
    expect(open.mock.calls).toEqual([['https://example.com/']]);
  });
});

describe('permissions', () => {
  it('grants notifications and audio capture to the app only', () => {
    expect(isPermissionAllowed('notifications', 'app://charla/index.html', {}, origins)).toBe(true);
    expect(isPermissionAllowed('media', 'app://charla/', { mediaTypes: ['audio'] }, origins)).toBe(true);
    expect(isPermissionAllowed('media', 'app://charla/', { mediaTypes: ['video'] }, origins)).toBe(false);
    expect(isPermissionAllowed('media', 'app://charla/', { mediaTypes: ['audio', 'video'] }, origins)).toBe(false);
    expect(isPermissionAllowed('media', 'app://charla/', {}, origins)).toBe(false);
    for (const p of ['geolocation', 'clipboard-read', 'openExternal', 'display-capture', 'midiSysex', 'hid', 'serial'])
      expect(isPermissionAllowed(p, 'app://charla/', {}, origins)).toBe(false);
    expect(isPermissionAllowed('notifications', 'https://evil.example/', {}, origins)).toBe(false);
    expect(isPermissionAllowed('notifications', undefined, {}, origins)).toBe(false);
  });

  it('wires both the request and the check handler', () => {
    let request: Parameters<PermissionSession['setPermissionRequestHandler']>[0] | undefined;
    let check: Parameters<PermissionSession['setPermissionCheckHandler']>[0] | undefined;
    installPermissionHandlers(
      { setPermissionRequestHandler: (h) => (request = h), setPermissionCheckHandler: (h) => (check = h) },
      origins,
    );
    const granted = vi.fn();
    request?.({ getURL: () => 'app://charla/' }, 'notifications', granted, { requestingUrl: 'app://charla/' });
    request?.({ getURL: () => 'app://charla/' }, 'geolocation', granted, { requestingUrl: 'app://charla/' });
    request?.({ getURL: () => 'https://x.example/' }, 'notifications', granted, {});
    expect(granted.mock.calls).toEqual([[true], [false], [false]]);
    expect(check?.(null, 'media', 'app://charla', {})).toBe(true);
    expect(check?.(null, 'geolocation', 'app://charla', {})).toBe(false);
  });
});
