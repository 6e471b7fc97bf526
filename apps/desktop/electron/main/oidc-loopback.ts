/**
 * "Sign in with Google/OIDC" for the desktop app (RFC 8252): the system browser does the provider's
 * sign-in, the server redirects to a one-shot HTTP listener on 127.0.0.1 with a one-time code, and
 * main trades that code plus its PKCE verifier at /auth/oidc/exchange. The refresh token goes to the
 * keychain through the SessionManager; the renderer gets the public result only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_PREFIX, paths } from '@charla/shared-types';
import type { PublicAuthResult } from '../shared/ipc-contract.ts';
import { type OpenExternal, openExternalSafely } from './security.ts';
import { DesktopError } from './session.ts';

/** The server keeps a pending sign-in 10 minutes; give up a little before that. */
export const DEFAULT_SIGN_IN_TIMEOUT_MS = 9 * 60_000;
const CALLBACK_PATH = '/oidc/callback';

const base64url = (b: Buffer) => b.toString('base64url');

/** PKCE S256 pair: 32 random bytes as a 43-character verifier and its SHA-256 challenge. */
export function createPkcePair(): { verifier: string; challenge: string } {
  const verifier = base64url(randomBytes(32));
  return { verifier, challenge: base64url(createHash('sha256').update(verifier).digest()) };
}

export type LoopbackAnswer = { code: string };

export type Loopback = {
  /** http://127.0.0.1:<port>/oidc/callback */
  redirectUri: string;
  /** Resolves with the code from the first matching request; rejects on error, state mismatch, timeout or cancel. */
  result: Promise<LoopbackAnswer>;
  cancel(): void;
};

const page = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
  `<meta name="viewport" content="width=device-width"></head>` +
  `<body style="font:16px system-ui,sans-serif;text-align:center;margin-top:20vh">` +
  `<h1 style="font-size:1.4em">${title}</h1><p>${text}</p></body></html>`;

const DONE_PAGE = page('Signed in to Charla', 'You can close this tab and go back to the app.');
const FAILED_PAGE = page(
  'Sign-in did not complete',
  'Go back to the Charla app and try again. You can close this tab.',
);

/**
 * A single-use listener on 127.0.0.1, port chosen by the OS. Only GET /oidc/callback with the
 * expected `state` counts; anything else gets a 404 and does not consume it. Closes after the
 * answer, on timeout and on cancel.
 */
export async function startLoopback(options: { state: string; timeoutMs?: number }): Promise<Loopback> {
  const server: Server = createServer();
  let settle: { resolve: (a: LoopbackAnswer) => void; reject: (e: Error) => void } | null = null;
  const result = new Promise<LoopbackAnswer>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // A rejection nobody awaits yet (cancel before the caller awaits) must not crash main.
  result.catch(() => undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;

  const finish = (outcome: { answer: LoopbackAnswer } | { error: Error }) => {
    if (!settle) return;
    const s = settle;
    settle = null;
    clearTimeout(timer);
    // Let the browser's response flush, then stop listening (and drop keep-alive sockets).
    server.close();
    setImmediate(() => server.closeAllConnections());
    if ('answer' in outcome) s.resolve(outcome.answer);
    else s.reject(outcome.error);
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const respond = (status: number, body: string) => {
      res.writeHead(status, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
        'referrer-policy': 'no-referrer',
        connection: 'close',
      });
      res.end(body);
    };
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH || !settle) {
      respond(404, page('Not found', ''));
      return;
    }
    const q = url.searchParams;
    // A request without our state is not the answer to our sign-in (another page, a stale tab).
    if (q.get('state') !== options.state) {
      respond(400, FAILED_PAGE);
      return;
    }
    const error = q.get('error');
    const code = q.get('code');
    if (error || !code || code.length > 200) {
      respond(200, FAILED_PAGE);
      const description = (q.get('error_description') ?? '').slice(0, 300);
      finish({
        error: new DesktopError(
          error === 'account_suspended' ? 'account_suspended' : error === 'conflict' ? 'conflict' : 'unauthenticated',
          description || 'The sign-in was not completed',
        ),
      });
      return;
    }
    respond(200, DONE_PAGE);
    finish({ answer: { code } });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  timer = setTimeout(
    () =>
      finish({
        error: new DesktopError('unauthenticated', 'The sign-in timed out: nothing came back from the browser'),
      }),
    options.timeoutMs ?? DEFAULT_SIGN_IN_TIMEOUT_MS,
  );
  timer.unref?.();
  return {
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    result,
    cancel: () => finish({ error: new DesktopError('unauthenticated', 'The sign-in was cancelled') }),
  };
}

export type ProviderSignInDeps = {
  serverOrigin: () => string;
  /** shell.openExternal; every URL goes through openExternalSafely (the app's URL validator) first. */
  openExternal: OpenExternal;
  exchange: (code: string, codeVerifier: string) => Promise<PublicAuthResult>;
  timeoutMs?: number;
};

/** Builds GET /auth/oidc/:provider/start for the desktop client. */
export function startUrl(origin: string, provider: string, p: { redirect: string; challenge: string; state: string }) {
  const q = new URLSearchParams({
    client: 'desktop',
    redirect: p.redirect,
    code_challenge: p.challenge,
    code_challenge_method: 'S256',
    state: p.state,
  });
  return `${origin}${API_PREFIX}${paths.auth.oidcStart(provider)}?${q}`;
}

/** One sign-in at a time: starting another cancels the previous one (the user closed that tab). */
export function createProviderSignIn(deps: ProviderSignInDeps) {
  let current: Loopback | null = null;
  return {
    async signIn(provider: string): Promise<PublicAuthResult> {
      current?.cancel();
      const { verifier, challenge } = createPkcePair();
      const state = base64url(randomBytes(16));
      const loopback = await startLoopback({ state, ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}) });
      current = loopback;
      try {
        const url = startUrl(deps.serverOrigin(), provider, { redirect: loopback.redirectUri, challenge, state });
        if (!(await openExternalSafely(url, deps.openExternal)))
          throw new DesktopError('validation_failed', 'Cannot open the sign-in page', {
            details: { serverUrl: ['Not a server address the sign-in page can open from'] },
          });
        const { code } = await loopback.result;
        return await deps.exchange(code, verifier);
      } finally {
        loopback.cancel();
        if (current === loopback) current = null;
      }
    },
    cancel() {
      current?.cancel();
    },
  };
}
