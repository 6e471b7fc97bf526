/**
 * Electron's security checklist as plain functions: the main window's webPreferences, the CSP,
 * navigation and window-open guards, and the permission handlers. They take the Electron objects
 * (or the few methods they use) as parameters so tests can drive them with fakes.
 */
import { originOf, validateExternalUrl, websocketOrigin } from './url-guards.ts';

/** The production renderer origin (served by the app:// protocol handler, see app-protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'charla';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export type SecureWebPreferences = {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  webviewTag: false;
  experimentalFeatures: false;
  navigateOnDragDrop: false;
  spellcheck: boolean;
};

/** The only webPreferences the app window is created with; literal types keep them from drifting. */
export function buildWebPreferences(preloadPath: string): SecureWebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: true,
  };
}

export type CspOptions = {
  /** Origin of the configured Charla server (http(s)). */
  serverOrigin: string;
  /** Vite's dev server origin in development; undefined in production. */
  devServerOrigin?: string | undefined;
  /** Extra origins media may come from (e.g. Cloudinary). */
  mediaOrigins?: readonly string[];
};

export const DEFAULT_MEDIA_ORIGINS = ['https://res.cloudinary.com'] as const;

/**
 * The renderer's Content-Security-Policy. connect-src is the configured server only (its http
 * and ws origins): the renderer cannot talk to anything else, even if script injection happened.
 */
export function buildCsp(options: CspOptions): string {
  const server = originOf(options.serverOrigin);
  if (!server || !/^https?:\/\//.test(server)) throw new Error(`CSP: invalid server origin ${options.serverOrigin}`);
  const dev = options.devServerOrigin ? originOf(options.devServerOrigin) : null;
  const media = (options.mediaOrigins ?? DEFAULT_MEDIA_ORIGINS).map((o) => originOf(o)).filter((o) => o !== null);
  const connect = ["'self'", server, websocketOrigin(server)];
  // Vite's dev server needs its HMR websocket and React refresh's inline preamble; never in production.
  const script = ["'self'"];
  if (dev) {
    connect.push(dev, websocketOrigin(dev));
    script.push(dev, "'unsafe-inline'");
  }
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'"]],
    ['script-src', script],
    // Inline style attributes are common in component libraries and cannot run code.
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:', server, ...media]],
    ['media-src', ["'self'", 'blob:', server, ...media]],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', connect],
    ['worker-src', ["'self'", 'blob:']],
    ['object-src', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['child-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([name, values]) => `${name} ${[...new Set(values)].join(' ')}`).join('; ');
}

/** Origins the app window may display: its own renderer, nothing remote. */
export function isAppUrl(url: string, appOrigins: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== null && appOrigins.includes(origin);
}

export type OpenExternal = (url: string) => Promise<void>;

/**
 * The one way to hand a URL to the OS: validated http(s) only. Everything else (file:, smb:,
 * javascript:, custom schemes that launch other programs) is refused.
 */
export async function openExternalSafely(raw: unknown, openExternal: OpenExternal): Promise<boolean> {
  const url = validateExternalUrl(raw);
  if (!url) return false;
  await openExternal(url);
  return true;
}

type NavigationEvent = { preventDefault(): void };
export type GuardedWebContents = {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: NavigationEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: NavigationEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
};

/**
 * Deny by default: navigation away from the app and every window.open are blocked; http(s)
 * targets go to the system browser after validation. Webviews are never attached.
 */
export function attachNavigationGuards(
  contents: GuardedWebContents,
  options: { appOrigins: readonly string[]; openExternal: OpenExternal },
): void {
  const guard = (event: NavigationEvent, url: string): void => {
    if (isAppUrl(url, options.appOrigins)) return;
    event.preventDefault();
    void openExternalSafely(url, options.openExternal).catch(() => undefined);
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    void openExternalSafely(url, options.openExternal).catch(() => undefined);
    return { action: 'deny' };
  });
}

export type PermissionDetails = { requestingUrl?: string; mediaTypes?: ReadonlyArray<string>; securityOrigin?: string };

/**
 * Notifications always; microphone (for voice notes) only for audio, never the camera or screen.
 * Only the app's own origin may ask.
 */
export function isPermissionAllowed(
  permission: string,
  requestingUrl: string | undefined,
  details: PermissionDetails,
  appOrigins: readonly string[],
): boolean {
  if (!requestingUrl || !isAppUrl(requestingUrl, appOrigins)) return false;
  if (permission === 'notifications') return true;
  if (permission === 'media') {
    const types = details.mediaTypes ?? [];
    return types.length > 0 && types.every((t) => t === 'audio');
  }
  return false;
}

export type PermissionSession = {
  setPermissionRequestHandler(
    handler: (
      contents: { getURL(): string },
      permission: string,
      callback: (granted: boolean) => void,
      details: PermissionDetails,
    ) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (contents: unknown, permission: string, requestingOrigin: string, details: PermissionDetails) => boolean,
  ): void;
};

export function installPermissionHandlers(session: PermissionSession, appOrigins: readonly string[]): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl ?? contents.getURL(), details, appOrigins));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) => {
    // Checks for 'media' carry no mediaTypes; answer for audio so the renderer can test for voice notes.
    const effective = permission === 'media' ? { ...details, mediaTypes: ['audio'] } : details;
    return isPermissionAllowed(permission, requestingOrigin, effective, appOrigins);
  });
}

export type HeadersSession = {
  webRequest: {
    onHeadersReceived(
      listener: (
        details: { url: string; responseHeaders?: Record<string, string[] | string> },
        callback: (response: { responseHeaders?: Record<string, string[] | string> }) => void,
      ) => void,
    ): void;
  };
};

/**
 * Adds the CSP to documents served over http(s) from the app's origins (the dev server); the app://
 * handler sets it itself. Responses from the Charla API are left alone.
 */
export function installCspHeader(session: HeadersSession, appOrigins: readonly string[], getCsp: () => string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url, appOrigins)) {
      callback({ responseHeaders: details.responseHeaders ?? {} });
      return;
    }
    const headers = { ...(details.responseHeaders ?? {}) };
    for (const key of Object.keys(headers)) if (key.toLowerCase() === 'content-security-policy') delete headers[key];
    headers['Content-Security-Policy'] = [getCsp()];
    callback({ responseHeaders: headers });
  });
}
