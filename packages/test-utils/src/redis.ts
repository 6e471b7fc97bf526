import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export type RedisServer = { url: string; port: number; stop(): Promise<void> };

let cachedHasRedis: boolean | undefined;

/** True when a `redis-server` binary is on PATH (for `describeIf(hasRedisServer(), 'no redis-server binary', ...)`). */
export function hasRedisServer(): boolean {
  if (cachedHasRedis === undefined) {
    try {
      execFileSync('redis-server', ['--version'], { stdio: 'ignore', timeout: 5000 });
      cachedHasRedis = true;
    } catch {
      cachedHasRedis = false;
    }
  }
  return cachedHasRedis;
}

export const NO_REDIS_REASON = 'no redis-server binary';

/** A port that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Sends PING over a raw socket; resolves true on +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let buf = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}

/**
 * Starts a real, throw-away `redis-server` on a free loopback port with persistence off, waits until
 * it answers PING, and returns its URL. `stop()` kills it and removes its directory.
 */
export async function startRedisServer(options: { timeoutMs?: number } = {}): Promise<RedisServer> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-redis-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(
      'redis-server',
      ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let exited = false;
    child.on('exit', () => {
      exited = true;
    });
    const deadline = Date.now() + timeoutMs;
    while (!exited && Date.now() < deadline) {
      if (await ping(port)) {
        const stop = async () => {
          if (!exited) {
            const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
            child.kill('SIGTERM');
            await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
            if (!exited) child.kill('SIGKILL');
          }
          fs.rmSync(dir, { recursive: true, force: true });
        };
        return { url: `redis://127.0.0.1:${port}`, port, stop };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!exited) child.kill('SIGKILL');
    // Lost a race for the port (another process took it): try another one, a few times.
    if (attempt >= 2) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`redis-server did not start within ${timeoutMs} ms`);
    }
  }
}
