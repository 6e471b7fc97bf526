/**
 * Integration-test harness: the real app (createApp) on a real SQLite file in a temp dir, listening
 * on 127.0.0.1:0, with fast bcrypt, silent logs, mail kept in memory and a clock tests can move.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AuthResult, Me } from '@charla/shared-types';
import type { Logger } from 'pino';
import { type AppDeps, type CharlaApp, createApp } from '../src/app.ts';
import type { Clock } from '../src/app-context.ts';
import { type Config, loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createMemoryMailer } from '../src/mail/mailer.ts';
import type { Storage } from '../src/storage/ports.ts';
import { openSqliteStorage } from '../src/storage/sqlite/sqlite-storage.ts';

export type TestClock = Clock & {
  /** Moves time forward (JWT expiry, token TTLs, refresh grace) without sleeping. */
  advance(ms: number): void;
  reset(): void;
};

export function createTestClock(): TestClock {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance: (ms) => {
      offset += ms;
    },
    reset: () => {
      offset = 0;
    },
  };
}

export type TestApp = {
  charla: CharlaApp;
  app: CharlaApp['app'];
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  /** url + /api/v1 */
  api: string;
  storage: Storage;
  config: Config;
  mail: ReturnType<typeof createMemoryMailer>;
  clock: TestClock;
  dataDir: string;
  close(): Promise<void>;
};

export type TestAppOptions = {
  /** Extra env for loadConfig (strings, as in process.env). */
  env?: Record<string, string>;
  /** Keep rate limits and login throttling on (off by default so suites can register freely). */
  rateLimits?: boolean;
  /** Other createApp deps to replace (mailer, events, loginThrottle…). */
  deps?: Partial<Omit<AppDeps, 'config' | 'storage' | 'logger'>>;
  /** Replaces the silent logger (to assert what gets logged). */
  logger?: Logger;
};

/** Each running test app's in-memory mailbox by API URL, so registerUser can read sign-up codes. */
const mailboxes = new Map<string, ReturnType<typeof createMemoryMailer>>();

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    PORT: '0',
    PUBLIC_URL: 'http://charla.test',
    BCRYPT_COST: '4',
    LOG_LEVEL: 'silent',
    CHARLA_DISABLE_RATE_LIMITS: options.rateLimits ? '0' : '1',
    ...options.env,
  });
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const storage = openSqliteStorage(dataDir, logger);
  const mail = createMemoryMailer();
  const clock = createTestClock();
  const charla = createApp({ config, storage, logger, mailer: mail, clock, ...options.deps });
  await new Promise<void>((resolve) => charla.server.listen(0, '127.0.0.1', resolve));
  const address = charla.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  mailboxes.set(`${url}/api/v1`, mail);
  let closed = false;
  return {
    charla,
    app: charla.app,
    url,
    api: `${url}/api/v1`,
    storage,
    config,
    mail,
    clock,
    dataDir,
    async close() {
      if (closed) return;
      closed = true;
      mailboxes.delete(`${url}/api/v1`);
      await charla.close();
      await new Promise<void>((resolve) => charla.server.close(() => resolve()));
      await storage.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type RegisteredUser = {
  user: Me;
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  email: string;
  username: string;
  password: string;
};

export const TEST_PASSWORD = 'correct horse battery staple';

/** The sign-up code last mailed to `email` by the test app at `api` (mail leaves in the background). */
export async function signUpCodeFor(api: string, email: string, timeoutMs = 2000): Promise<string> {
  const mailbox = mailboxes.get(api);
  if (!mailbox) throw new Error(`no test app with a memory mailer at ${api}`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const code = mailbox.sent.filter((m) => m.to === email && m.code).at(-1)?.code;
    if (code) return code;
    if (Date.now() > deadline) throw new Error(`no sign-up code mailed to ${email}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Registers through the real API as the desktop client (refresh token in the body): sign up (202,
 * "check your email"), read the code from the test app's mailbox, enter it (201, signed in).
 */
export async function registerUser(
  t: Pick<TestApp, 'api'>,
  partial: { email?: string; username?: string; displayName?: string; password?: string } = {},
): Promise<RegisteredUser> {
  const tag = randomUUID().replace(/-/g, '').slice(0, 10);
  const email = (partial.email ?? `user_${tag}@example.com`).trim().toLowerCase();
  const username = partial.username ?? `user_${tag}`;
  const password = partial.password ?? TEST_PASSWORD;
  const post = (path: string, body: unknown) =>
    fetch(`${t.api}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const signUp = await post('/auth/register', {
    email,
    username,
    password,
    displayName: partial.displayName ?? `User ${tag}`,
    client: 'desktop',
    device: { name: 'Test runner', platform: 'linux' },
  });
  if (signUp.status !== 202) {
    const failed = (await signUp.json()) as { message?: string };
    throw new Error(`registerUser failed: ${signUp.status} ${failed.message ?? ''}`);
  }
  await signUp.arrayBuffer().catch(() => undefined);
  const code = await signUpCodeFor(t.api, email);
  const res = await post('/auth/register/verify', {
    email,
    code,
    password,
    client: 'desktop',
    device: { name: 'Test runner', platform: 'linux' },
  });
  const body = (await res.json()) as { data?: AuthResult; message?: string };
  if (res.status !== 201 || !body.data?.refreshToken)
    throw new Error(`registerUser failed: ${res.status} ${body.message ?? ''}`);
  const d = body.data;
  return {
    user: d.user,
    accessToken: d.accessToken,
    refreshToken: d.refreshToken ?? '',
    sessionId: d.sessionId,
    email: d.user.email,
    username: d.user.username,
    password,
  };
}

export const authHeader = (token: string): { Authorization: string } => ({ Authorization: `Bearer ${token}` });

/**
 * Makes a registered account unverified again, as accounts created before sign-up by code are (or
 * OIDC accounts whose provider did not vouch for the address): for the rules that depend on it.
 */
export async function unverify(t: Pick<TestApp, 'storage'>, user: Pick<RegisteredUser, 'user'>): Promise<void> {
  await t.storage.users.update(user.user.id, { emailVerifiedAt: null });
}

/** Asks for a verification mail as `user` and follows its link (as the mailbox owner would). */
export async function verifyEmail(
  t: Pick<TestApp, 'api' | 'mail'>,
  user: Pick<RegisteredUser, 'email' | 'accessToken'>,
): Promise<Me> {
  const resend = await fetch(`${t.api}/auth/resend-verification`, {
    method: 'POST',
    headers: authHeader(user.accessToken),
  });
  await resend.arrayBuffer();
  const link = t.mail.sent.filter((m) => m.to === user.email && m.link?.includes('/verify-email')).at(-1)?.link;
  const token = link ? (new URL(link).searchParams.get('token') ?? '') : '';
  const res = await fetch(`${t.api}/auth/verify-email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  const body = (await res.json()) as { data?: Me; message?: string };
  if (res.status !== 200 || !body.data) throw new Error(`verifyEmail failed: ${res.status} ${body.message ?? ''}`);
  return body.data;
}
