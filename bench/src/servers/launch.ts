import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Child, freePort, spawnChild, waitForHttp } from '../lib/children.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');
const hook = path.join(here, 'server-hook.ts');

export type RunningServer = {
  name: string;
  url: string;
  port: number;
  child: Child;
  pid: number;
  stop(): Promise<void>;
};

async function start(name: string, script: string, env: NodeJS.ProcessEnv, healthPath: string): Promise<RunningServer> {
  const port = Number(env.PORT) || (await freePort());
  const child = spawnChild(name, script, {
    env: { ...env, PORT: String(port) },
    // BENCH_CPU_PROF=<dir>: V8 CPU profiles of every server process, for finding what limits a figure.
    execArgv: [
      '--expose-gc',
      '--import',
      hook,
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []),
      // BENCH_CPU_PROF_INTERVAL=<µs>: finer samples than V8's 1 ms default, to see single requests.
      ...(process.env.BENCH_CPU_PROF && process.env.BENCH_CPU_PROF_INTERVAL
        ? ['--cpu-prof-interval', process.env.BENCH_CPU_PROF_INTERVAL]
        : []),
      // Diagnostics only (see the file): what the tail looks like without WAL auto-checkpoints.
      ...(process.env.BENCH_EXPERIMENT === 'no-autocheckpoint'
        ? ['--import', path.join(here, 'experiment-no-checkpoint.ts')]
        : []),
    ],
    cwd: repoRoot,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}${healthPath}`, child);
  return { name, url, port, child, pid: child.pid, stop: () => child.stop() };
}

export function startRelay(kind: 'socketio' | 'ws'): Promise<RunningServer> {
  const script = path.join(here, kind === 'ws' ? 'relay-ws.ts' : 'relay-socketio.ts');
  return start(kind === 'ws' ? 'ws relay' : 'Socket.IO relay', script, {}, '/healthz');
}

/** The real server entry (apps/server/src/main.ts), unchanged, with the bench hook preloaded. */
export function startCharla(name: string, env: NodeJS.ProcessEnv): Promise<RunningServer> {
  return start(
    name,
    path.join(repoRoot, 'apps/server/src/main.ts'),
    // The store is explicit: SQLite in DATA_DIR unless the caller passes MONGODB_URI (never the shell's).
    { NODE_ENV: 'production', LOG_LEVEL: 'warn', HOST: '127.0.0.1', MONGODB_URI: '', ...env },
    '/healthz',
  );
}
