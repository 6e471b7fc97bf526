/**
 * `npm run up` as a person runs it: scripts/dev.mjs starts the API server and the Vite web client on
 * their own ports. Checked here: the links Charla mails open the web client, oversized uploads get
 * the server's 413 through the dev proxy, and the terminal stays short and quiet.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@charla/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const MAX_BYTES = 1024 * 1024;

type Dev = { child: ChildProcess; out: string[]; api: string; web: string; server: string; dataDir: string };

async function startDev(): Promise<Dev> {
  const [serverPort, webPort] = [await freePort(), await freePort()];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-dev-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(serverPort), CHARLA_WEB_PORT: String(webPort) };
  for (const k of ['DISPLAY', 'WAYLAND_DISPLAY', 'WEB_URL', 'CORS_ORIGINS', 'LOG_LEVEL', 'NODE_ENV']) delete env[k];
  env.DATA_DIR = dataDir;
  env.BCRYPT_COST = '4';
  env.MEDIA_MAX_BYTES = String(MAX_BYTES);
  const child = spawn(process.execPath, [path.join(root, 'scripts/dev.mjs')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const out: string[] = [];
  for (const s of [child.stdout, child.stderr]) s?.on('data', (d) => out.push(String(d)));
  const deadline = Date.now() + 60_000;
  while (!out.join('').includes('Press Ctrl+C')) {
    if (child.exitCode !== null) throw new Error(`dev runner exited: ${out.join('')}`);
    if (Date.now() > deadline) throw new Error(`dev runner did not come up: ${out.join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const web = `http://127.0.0.1:${webPort}`;
  return { child, out, api: `${web}/api/v1`, web, server: `http://127.0.0.1:${serverPort}`, dataDir };
}

async function stopDev(dev: Dev | undefined): Promise<void> {
  if (!dev) return;
  if (dev.child.exitCode === null) {
    const exited = new Promise((r) => dev.child.once('exit', r));
    dev.child.kill('SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (dev.child.exitCode === null && dev.child.pid) process.kill(-dev.child.pid, 'SIGKILL');
  }
  fs.rmSync(dev.dataDir, { recursive: true, force: true });
}

/** A header of the newest outbox mail to `to` whose value contains `has` (X-Charla-Link, X-Charla-Code). */
async function outboxHeader(dataDir: string, to: string, header: string, has = ''): Promise<string> {
  const dir = path.join(dataDir, 'outbox');
  for (let i = 0; i < 100; i++) {
    const values = (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [])
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
      .filter((mail) => mail.split(/\r?\n/).includes(`To: ${to}`))
      .map((mail) => new RegExp(`^${header}: (\\S+)`, 'm').exec(mail)?.[1] ?? '')
      .filter((v) => v.length > 0 && v.includes(has));
    const value = values.at(-1);
    if (value) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${header} mail to ${to}`);
}

/** Signs up through the web port as the desktop client would: the form, then the mailed code. */
async function signUp(dev: Dev, email: string): Promise<string> {
  const body = { email, password: 'correct horse battery staple', displayName: 'Dev', client: 'desktop' };
  const post = (p: string, b: unknown) =>
    fetch(`${dev.api}${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(b),
    });
  expect((await post('/auth/register', body)).status).toBe(202);
  const code = await outboxHeader(dev.dataDir, email, 'X-Charla-Code');
  const done = await post('/auth/register/verify', { email, code, password: body.password, client: 'desktop' });
  expect(done.status).toBe(201);
  return ((await done.json()) as { data: { accessToken: string } }).data.accessToken;
}

describe('npm run up (scripts/dev.mjs)', () => {
  let dev: Dev | undefined;
  beforeAll(async () => {
    dev = await startDev();
  }, 90_000);
  afterAll(async () => {
    await stopDev(dev);
  });

  it('mails links that open the web client, and the API port forwards old ones to it', async () => {
    if (!dev) throw new Error('dev runner not started');
    const res = await fetch(`${dev.api}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: dev.web },
      body: JSON.stringify({
        email: 'links@example.com',
        password: 'correct horse battery staple',
        displayName: 'Links',
        client: 'desktop',
      }),
    });
    expect(res.status).toBe(202);
    const link = await outboxHeader(dev.dataDir, 'links@example.com', 'X-Charla-Link', 'complete-signup');
    expect(link.startsWith(`${dev.web}/complete-signup?token=`)).toBe(true);
    const page = await fetch(link, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    const viaApi = new URL(link);
    const forwarded = await fetch(`${dev.server}${viaApi.pathname}${viaApi.search}`, {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(forwarded.status).toBe(302);
    expect(forwarded.headers.get('location')).toBe(link);
  });

  it('prints short human lines, and nothing alarming when a browser drops its connections', async () => {
    if (!dev) throw new Error('dev runner not started');
    const web = new URL(dev.web);
    // A reload or sign-out: the realtime socket is cut mid-stream, and so is a request in flight.
    for (let i = 0; i < 3; i++) {
      await new Promise<void>((resolve) => {
        const s = net.connect(Number(web.port), web.hostname, () => {
          s.write(
            `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${web.host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
          );
        });
        s.once('data', () => {
          s.resetAndDestroy();
          resolve();
        });
        s.on('error', () => resolve());
      });
      const aborted = new AbortController();
      const pending = fetch(`${dev.api}/config`, { signal: aborted.signal }).catch(() => undefined);
      aborted.abort();
      await pending;
    }
    await fetch(`${dev.api}/config`);
    await new Promise((r) => setTimeout(r, 1000));
    const lines = dev.out.join('').split('\n');
    const server = lines.filter((l) => l.startsWith('[server] '));
    const webLines = lines.filter((l) => l.startsWith('[web] '));
    expect(server.some((l) => /GET \/api\/v1\/config 200 \d+ ms/.test(l))).toBe(true);
    // Development output is not JSON, carries no request headers, and each line is short.
    expect(server.filter((l) => l.startsWith('[server] {'))).toEqual([]);
    expect(server.filter((l) => /user-agent|"headers"/i.test(l))).toEqual([]);
    expect(server.filter((l) => l.length > 240)).toEqual([]);
    expect(server.filter((l) => /\b(ERROR|FATAL)\b/.test(l))).toEqual([]);
    expect(webLines.filter((l) => /proxy (socket )?error|ECONNRESET|EPIPE/.test(l))).toEqual([]);
  });

  it("passes the server's 413 for an oversized upload through the web port, in human units", async () => {
    if (!dev) throw new Error('dev runner not started');
    const accessToken = await signUp(dev, 'big@example.com');
    for (const size of [MAX_BYTES + 1000, 8 * MAX_BYTES, 40 * MAX_BYTES]) {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(size)]), 'big.bin');
      const res = await fetch(`${dev.api}/media`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}` },
        body: form,
      });
      expect(res.status).toBe(413);
      const body = (await res.json()) as { code: string; message: string };
      expect(body).toMatchObject({ code: 'payload_too_large', message: 'Files can be up to 1 MB' });
    }
  });
});
