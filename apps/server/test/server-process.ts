/**
 * Real server processes for multi-process tests: spawn apps/server/src/main.ts, wait until it is
 * ready, stop it politely or kill it like a crash, and register accounts over its REST API.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthResult } from '@charla/shared-types';
import { freePort } from '@charla/test-utils';

const mainTs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/main.ts');

export type Node = { url: string; api: string; port: number; child: ChildProcess; output: string[] };

/** Where each started node writes its mail (DATA_DIR/outbox, SMTP_URL unset), by API URL. */
const outboxes = new Map<string, string>();
/**
 * The environment a spawned server gets: the parent's, minus the store choice. The store is always
 * explicit: the embedded SQLite file under DATA_DIR unless `env` itself names MONGODB_URI, so a
 * MONGODB_URI exported in the test runner's shell never turns a SQLite test into a MongoDB one.
 */
export function spawnEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const { MONGODB_URI: _inherited, ...parent } = process.env;
  return { ...parent, MONGODB_URI: '', ...env };
}

/**
 * A test node's environment: SQLite under `dataDir`, a fixed JWT secret (so every node of a test
 * accepts the others' tokens), cheap password hashing, quiet logs and no rate limits; `extra` adds
 * or overrides (REDIS_URL, rate limits on).
 */
export function nodeEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    JWT_SECRET: 'test-nodes-secret-0123456789abcdef',
    BCRYPT_COST: '4',
    LOG_LEVEL: 'warn',
    CHARLA_DISABLE_RATE_LIMITS: '1',
    ...extra,
  };
}

/** Spawns apps/server/src/main.ts and waits for /readyz (a given port lets a restart keep its URL). */
export async function startNode(env: Record<string, string>, port?: number): Promise<Node> {
  const p = port ?? (await freePort());
  if (env.DATA_DIR) outboxes.set(`http://127.0.0.1:${p}/api/v1`, path.join(path.resolve(env.DATA_DIR), 'outbox'));
  const child = spawn(process.execPath, [mainTs], {
    env: { ...spawnEnv(env), PORT: String(p), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (d) => output.push(String(d)));
  child.stderr?.on('data', (d) => output.push(String(d)));
  const url = `http://127.0.0.1:${p}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`node exited: ${output.join('')}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, api: `${url}/api/v1`, port: p, child, output };
    if (Date.now() > deadline) throw new Error(`node did not start: ${output.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** SIGKILL: no shutdown hook runs, exactly like a crash or a lost machine. */
export async function killNode(node: Node | undefined): Promise<void> {
  if (!node || node.child.exitCode !== null || node.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => node.child.once('exit', () => resolve()));
  node.child.kill('SIGKILL');
  await exited;
}

export async function stopNode(node: Node | undefined): Promise<void> {
  if (!node || node.child.exitCode !== null || node.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => node.child.once('exit', () => resolve()));
  node.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (node.child.exitCode === null) await killNode(node);
}

/** The newest mail header `name` (e.g. X-Charla-Code) in an outbox file addressed to `email`. */
export async function outboxHeader(outbox: string, email: string, name: string, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  const to = new RegExp(`^To: ${email.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm');
  const header = new RegExp(`^${name}: (\\S+)$`, 'm');
  for (;;) {
    const files = fs.existsSync(outbox) ? fs.readdirSync(outbox).sort().reverse() : [];
    for (const file of files) {
      const eml = fs.readFileSync(path.join(outbox, file), 'utf8');
      const value = to.test(eml) ? eml.match(header)?.[1] : undefined;
      if (value) return value;
    }
    if (Date.now() > deadline) throw new Error(`no mail with ${name} to ${email} in ${outbox}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let counter = 0;
/** Signs up over REST (202), reads the code from the node's outbox, enters it (201: the auth result). */
export async function register(api: string, name: string): Promise<AuthResult> {
  const tag = `${Date.now().toString(36)}${(++counter).toString(36)}`;
  const email = `${name}-${tag}@example.com`.toLowerCase();
  const password = 'correct horse battery staple';
  const post = (p: string, body: unknown) =>
    fetch(`${api}${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const signUp = await post('/auth/register', { email, password, displayName: name, client: 'desktop' });
  if (signUp.status !== 202) throw new Error(`register failed: ${signUp.status} ${await signUp.text()}`);
  const outbox = outboxes.get(api);
  if (!outbox) throw new Error(`no outbox known for ${api} (start it with startNode and DATA_DIR)`);
  const code = await outboxHeader(outbox, email, 'X-Charla-Code');
  const res = await post('/auth/register/verify', { email, code, password, client: 'desktop' });
  const body = (await res.json()) as { data: AuthResult };
  if (res.status !== 201) throw new Error(`register failed: ${res.status} ${JSON.stringify(body)}`);
  return body.data;
}
