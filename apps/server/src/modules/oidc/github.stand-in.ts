/**
 * Test support (not a test): a local stand-in for GitHub's OAuth pages and the two REST endpoints
 * Charla reads, speaking GitHub's documented wire format and checking what it receives (client id
 * and secret, the code, redirect_uri, the PKCE verifier, the Bearer token, a User-Agent). One base
 * URL serves both GITHUB_OAUTH_URL and GITHUB_API_URL.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';

export type StandInEmail = { email: string; verified: boolean; primary: boolean };
export type StandInAccount = { id: number; login: string; name: string | null; emails: StandInEmail[] };

export type ReceivedRequest = {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  form: Record<string, string>;
};

/** How the token endpoint misbehaves, for the error tests (null: it behaves). */
export type TokenFailure = null | 'http-500' | 'not-json' | 'unknown-error';

export type GithubStandIn = {
  url: string;
  clientId: string;
  clientSecret: string;
  /** By login; a login first seen at the consent form gets an account with a verified address. */
  accounts: Map<string, StandInAccount>;
  received: ReceivedRequest[];
  /** Why the stand-in refused something (wrong secret, reused code…): tests assert it stays empty. */
  refusals: string[];
  tokenFailure: TokenFailure;
  /** Submits the consent form for `login` as a browser would; returns the redirect back to the app. */
  approve(authorizeUrl: string, login: string): Promise<URL>;
  close(): Promise<void>;
};

type Grant = { login: string; redirectUri: string; challenge: string | null; used: boolean };

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const sha256 = (v: string) => createHash('sha256').update(v).digest('base64url');

async function readForm(req: http.IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

type State = {
  clientId: string;
  clientSecret: string;
  accounts: Map<string, StandInAccount>;
  grants: Map<string, Grant>;
  tokens: Map<string, string>;
  refusals: string[];
  tokenFailure(): TokenFailure;
  nextId: number;
};

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
};

function accountFor(s: State, login: string): StandInAccount {
  const existing = s.accounts.get(login);
  if (existing) return existing;
  const made = {
    id: ++s.nextId,
    login,
    name: null,
    emails: [{ email: `${login.toLowerCase()}@users.github.test`, verified: true, primary: true }],
  };
  s.accounts.set(login, made);
  return made;
}

function consentPage(query: URLSearchParams): string {
  const hidden = [...query]
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>GitHub stand-in</title></head>
<body><main><h1>Authorize Charla</h1><form method="post" action="/login/oauth/authorize">${hidden}
<label>GitHub login <input name="login" autocomplete="off" required></label>
<button type="submit" name="decision" value="allow">Authorize</button>
<button type="submit" name="decision" value="deny" formnovalidate>Cancel</button></form></main></body></html>`;
}

function authorize(s: State, form: Record<string, string>, res: http.ServerResponse) {
  const redirectUri = form.redirect_uri ?? '';
  if (form.client_id !== s.clientId || !/^https?:\/\//.test(redirectUri)) {
    s.refusals.push(`authorize: client_id ${form.client_id ?? '(none)'} or redirect_uri ${redirectUri || '(none)'}`);
    json(res, 400, { error: 'invalid_request' });
    return;
  }
  const back = new URL(redirectUri);
  if (form.state) back.searchParams.set('state', form.state);
  if (form.decision === 'deny') {
    back.searchParams.set('error', 'access_denied');
  } else {
    const account = accountFor(s, form.login ?? 'octocat');
    const code = randomBytes(10).toString('hex');
    const challenge = form.code_challenge_method === 'S256' ? (form.code_challenge ?? null) : null;
    s.grants.set(code, { login: account.login, redirectUri, challenge, used: false });
    back.searchParams.set('code', code);
  }
  res.writeHead(302, { location: back.toString() });
  res.end();
}

function failToken(failure: TokenFailure, res: http.ServerResponse): boolean {
  if (failure === 'http-500') json(res, 500, { message: 'Server Error' });
  else if (failure === 'unknown-error') json(res, 200, { error: 'application_suspended' });
  else if (failure === 'not-json') {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html>Unicorn!</html>');
  }
  return failure !== null;
}

function accessToken(s: State, req: http.IncomingMessage, form: Record<string, string>, res: http.ServerResponse) {
  if (!String(req.headers.accept ?? '').includes('application/json')) s.refusals.push('token: no JSON Accept header');
  if (form.client_id !== s.clientId || form.client_secret !== s.clientSecret) {
    s.refusals.push('token: wrong client credentials');
    return json(res, 200, { error: 'incorrect_client_credentials' });
  }
  if (failToken(s.tokenFailure(), res)) return;
  const grant = s.grants.get(form.code ?? '');
  if (!grant || grant.used) {
    s.refusals.push('token: unknown or reused code');
    return json(res, 200, { error: 'bad_verification_code', error_description: 'The code is incorrect or expired.' });
  }
  grant.used = true;
  if (form.redirect_uri !== grant.redirectUri) {
    s.refusals.push('token: redirect_uri differs from the authorize request');
    return json(res, 200, { error: 'redirect_uri_mismatch' });
  }
  if (grant.challenge && sha256(form.code_verifier ?? '') !== grant.challenge) {
    s.refusals.push('token: PKCE verifier does not match');
    return json(res, 200, { error: 'bad_verification_code' });
  }
  const token = `gho_${randomBytes(18).toString('hex')}`;
  s.tokens.set(token, grant.login);
  json(res, 200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
}

function api(s: State, req: http.IncomingMessage, path: string, res: http.ServerResponse) {
  const auth = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''));
  const login = auth?.[1] ? s.tokens.get(auth[1]) : undefined;
  const account = login ? s.accounts.get(login) : undefined;
  if (!req.headers['user-agent']) s.refusals.push(`${path}: no User-Agent`);
  if (!account) {
    s.refusals.push(`${path}: missing or unknown Bearer token`);
    return json(res, 401, { message: 'Bad credentials' });
  }
  if (path === '/user')
    return json(res, 200, {
      id: account.id,
      login: account.login,
      name: account.name,
      html_url: `https://github.com/${account.login}`,
      email: null,
    });
  json(
    res,
    200,
    account.emails.map((e) => ({ ...e, visibility: e.primary ? 'private' : null })),
  );
}

export async function startGithubStandIn(
  options: { clientId?: string; clientSecret?: string } = {},
): Promise<GithubStandIn> {
  const received: ReceivedRequest[] = [];
  const s: State = {
    clientId: options.clientId ?? 'stand-in-client-id',
    clientSecret: options.clientSecret ?? 'stand-in-client-secret-0123456789',
    accounts: new Map(),
    grants: new Map(),
    tokens: new Map(),
    refusals: [],
    tokenFailure: () => stand.tokenFailure,
    nextId: 9000,
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    void (async () => {
      const form = req.method === 'POST' ? await readForm(req) : Object.fromEntries(url.searchParams);
      received.push({ method: req.method ?? 'GET', path: url.pathname, headers: req.headers, form });
      if (url.pathname === '/login/oauth/authorize' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(consentPage(url.searchParams));
      }
      if (url.pathname === '/login/oauth/authorize' && req.method === 'POST') return authorize(s, form, res);
      if (url.pathname === '/login/oauth/access_token' && req.method === 'POST') return accessToken(s, req, form, res);
      if ((url.pathname === '/user' || url.pathname === '/user/emails') && req.method === 'GET')
        return api(s, req, url.pathname, res);
      json(res, 404, { message: 'Not Found' });
    })().catch(() => json(res, 500, { message: 'stand-in failed' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const stand: GithubStandIn = {
    url,
    clientId: s.clientId,
    clientSecret: s.clientSecret,
    accounts: s.accounts,
    received,
    refusals: s.refusals,
    tokenFailure: null,
    async approve(authorizeUrl, login) {
      const query = new URL(authorizeUrl).searchParams;
      const res = await fetch(`${url}/login/oauth/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...Object.fromEntries(query), login, decision: 'allow' }),
        redirect: 'manual',
      });
      const location = res.headers.get('location');
      if (res.status !== 302 || !location) throw new Error(`stand-in consent answered ${res.status}`);
      return new URL(location);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return stand;
}
