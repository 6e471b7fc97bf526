/**
 * `charla://invite/<code>`, `charla://u/<username>` and `charla://s/<slug>[/invite/<code>]` links: strict parsing (anything else is ignored), the single-instance
 * lock that hands a second launch's argv to the running instance, the protocol registration and
 * macOS's open-url. Links that arrive before the renderer listens are queued.
 */
import type { DeepLink } from '../shared/ipc-contract.ts';

export const PROTOCOL = 'charla';
const MAX_LINK_LENGTH = 512;
/** Same alphabet and length as the server's inviteCodeSchema (shared-types). */
const INVITE = /^charla:\/\/invite\/([A-Za-z0-9_-]{8,64})\/?$/;
/** Same alphabet and length as usernameSchema (shared-types). */
const PROFILE = /^charla:\/\/u\/([A-Za-z0-9_.]{3,32})\/?$/;
/** A space's slug as spaceSlugSchema allows it, optionally with one of its invite codes. */
const SPACE = /^charla:\/\/s\/([a-z0-9][a-z0-9-]{1,38}[a-z0-9])(?:\/invite\/([A-Za-z0-9_-]{8,64}))?\/?$/;

/** Returns the invite, profile or space link, or null for anything that is not exactly a well-formed one. */
export function parseDeepLink(raw: unknown): DeepLink | null {
  if (typeof raw !== 'string' || raw.length > MAX_LINK_LENGTH) return null;
  // Match the raw text, not a URL-normalised form: no percent-escapes, dot segments, user info,
  // ports, queries or fragments may sneak a different code or target through normalisation.
  const invite = INVITE.exec(raw);
  if (invite?.[1]) return { kind: 'invite', code: invite[1], url: `${PROTOCOL}://invite/${invite[1]}` };
  const profile = PROFILE.exec(raw);
  // "." and ".." are not usernames (3 characters at least), so no dot segment gets through.
  if (profile?.[1]) return { kind: 'profile', username: profile[1], url: `${PROTOCOL}://u/${profile[1]}` };
  const space = SPACE.exec(raw);
  if (space?.[1]) {
    const [, slug, code] = space;
    return code
      ? { kind: 'space', slug, code, url: `${PROTOCOL}://s/${slug}/invite/${code}` }
      : { kind: 'space', slug, url: `${PROTOCOL}://s/${slug}` };
  }
  return null;
}

/** The first valid deep link in a command line (Windows/Linux pass the URL as an argument). */
export function findDeepLinkInArgv(argv: readonly string[]): DeepLink | null {
  for (const arg of argv) {
    if (!arg.startsWith(`${PROTOCOL}:`)) continue;
    const link = parseDeepLink(arg);
    if (link) return link;
  }
  return null;
}

export type DeepLinkApp = {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  on(event: 'second-instance', listener: (event: unknown, argv: string[]) => void): unknown;
  on(event: 'open-url', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
};

export type DeepLinkRouter = {
  /** Deliver to the renderer, or queue until it asks. */
  handle(link: DeepLink): void;
  /** Queued links, emptied (the renderer calls this once it is ready). */
  takePending(): DeepLink[];
  /** From now on links go straight to `deliver`. */
  setReady(ready: boolean): void;
};

export function createDeepLinkRouter(deliver: (link: DeepLink) => void, focus: () => void): DeepLinkRouter {
  const queue: DeepLink[] = [];
  let ready = false;
  return {
    handle(link) {
      focus();
      if (ready) deliver(link);
      else if (queue.length < 10) queue.push(link);
    },
    takePending: () => queue.splice(0, queue.length),
    setReady(value) {
      ready = value;
    },
  };
}

/**
 * Takes the single-instance lock; returns false (and quits) in a second instance. In the first,
 * a second launch's arguments arrive via 'second-instance' and macOS links via 'open-url'.
 */
export function setupDeepLinks(options: {
  app: DeepLinkApp;
  argv: readonly string[];
  router: DeepLinkRouter;
  focusWindow: () => void;
  /** In development Electron runs as `electron <script>`, so the protocol must name both. */
  devRegistration?: { execPath: string; args: string[] } | undefined;
}): boolean {
  const { app, router } = options;
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  if (options.devRegistration)
    app.setAsDefaultProtocolClient(PROTOCOL, options.devRegistration.execPath, options.devRegistration.args);
  else app.setAsDefaultProtocolClient(PROTOCOL);
  app.on('second-instance', (_event, argv) => {
    options.focusWindow();
    const link = findDeepLinkInArgv(argv);
    if (link) router.handle(link);
  });
  app.on('open-url', (event, url) => {
    event.preventDefault();
    const link = parseDeepLink(url);
    if (link) router.handle(link);
  });
  const initial = findDeepLinkInArgv(options.argv);
  if (initial) router.handle(initial);
  return true;
}
