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

/** Registers through the real API as the desktop client (refresh token in the body). */
export async function registerUser(
  t: Pick<TestApp, 'api'>,
  partial: { email?: string; username?: string; displayName?: string; password?: string } = {},
): Promise<RegisteredUser> {
  const tag = randomUUID().replace(/-/g, '').slice(0, 10);
  const email = partial.email ?? `user_${tag}@example.com`;
  const username = partial.username ?? `user_${tag}`;
  const password = partial.password ?? TEST_PASSWORD;
  const res = await fetch(`${t.api}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email,
      username,
      password,
      displayName: partial.displayName ?? `User ${tag}`,
      client: 'desktop',
      device: { name: 'Test runner', platform: 'linux' },
    }),
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
