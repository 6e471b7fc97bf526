import { type ChildProcess, fork } from 'node:child_process';
import net from 'node:net';

/**
 * Load generators and servers are separate Node processes talking to the orchestrator over IPC, so
 * a server's CPU and RSS read from /proc are its own.
 */
export type RpcMessage = { id?: number; t: string; [key: string]: unknown };

export type Child = {
  name: string;
  pid: number;
  proc: ChildProcess;
  request<T = RpcMessage>(msg: RpcMessage, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
  /** Last lines of stderr, for error messages. */
  stderrTail(): string;
};

export function spawnChild(
  name: string,
  script: string,
  options: { args?: string[]; env?: NodeJS.ProcessEnv; execArgv?: string[]; cwd?: string } = {},
): Child {
  const proc = fork(script, options.args ?? [], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    execArgv: options.execArgv ?? [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  let tail = '';
  // Server logs (pino writes to stdout) and errors, kept for error messages.
  const keep = (d: Buffer) => {
    tail = (tail + d.toString()).slice(-4000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  proc.on('message', (m: RpcMessage) => {
    if (typeof m?.id !== 'number') return;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.t === 'error') p.reject(new Error(`${name}: ${String(m.message)}`));
    else p.resolve(m);
  });
  proc.on('exit', (code, signal) => {
    for (const p of pending.values())
      p.reject(new Error(`${name} exited (${code ?? signal}) ${tail.split('\n').slice(-8).join('\n')}`));
    pending.clear();
  });
  return {
    name,
    pid: proc.pid ?? 0,
    proc,
    stderrTail: () => tail,
    request<T>(msg: RpcMessage, timeoutMs = 120_000) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${name}: no answer to ${msg.t} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v as T);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        proc.send({ ...msg, id });
      });
    },
    stop() {
      return new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const force = setTimeout(() => proc.kill('SIGKILL'), 5000);
        proc.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        proc.kill('SIGTERM');
      });
    },
  };
}

/** Child side: answer the orchestrator's requests. Errors go back as { t: 'error' }. */
export function serveRpc(handler: (msg: RpcMessage) => Promise<Record<string, unknown>> | Record<string, unknown>) {
  process.on('message', async (msg: RpcMessage) => {
    try {
      const reply = await handler(msg);
      process.send?.({ ...reply, id: msg.id });
    } catch (err) {
      process.send?.({ t: 'error', id: msg.id, message: err instanceof Error ? err.stack : String(err) });
    }
  });
}

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

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls a URL until it answers 200 or the child dies. */
export async function waitForHttp(url: string, child: Child, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null) throw new Error(`${child.name} exited: ${child.stderrTail()}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${child.name} did not answer ${url} within ${timeoutMs} ms: ${child.stderrTail()}`);
}
