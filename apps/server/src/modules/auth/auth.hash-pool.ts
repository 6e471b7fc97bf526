import { Worker } from 'node:worker_threads';

/**
 * A small pool of worker threads running bcrypt. bcryptjs is pure JavaScript: at cost 12 one hash
 * is ~300 ms of CPU, and on the main thread (even in its async, chunked form) a burst of logins
 * stalls every request and message for that long. Workers start on first use and are unref'd while
 * idle, so an idle pool never keeps the process alive. If a worker cannot start or dies, its jobs
 * fall back to `fallback` (bcryptjs on the main thread) rather than failing the login.
 */
export type HashPool = {
  hash(password: string, cost: number): Promise<string>;
  compare(password: string, hash: string): Promise<boolean>;
  close(): Promise<void>;
};

type Job = { op: 'hash'; password: string; cost: number } | { op: 'compare'; password: string; hash: string };
type Pending = { job: Job; resolve(v: unknown): void; reject(e: Error): void };
type Slot = { worker: Worker; pending: Map<number, Pending> };

const workerUrl = new URL('./auth.hash-worker.ts', import.meta.url);

export function createHashPool(
  size: number,
  fallback: {
    hash(password: string, cost: number): Promise<string>;
    compare(password: string, hash: string): Promise<boolean>;
  },
): HashPool {
  const slots: (Slot | undefined)[] = Array.from({ length: Math.max(1, size) }, () => undefined);
  let nextId = 1;
  let closed = false;

  const runFallback = (job: Job): Promise<unknown> =>
    job.op === 'hash' ? fallback.hash(job.password, job.cost) : fallback.compare(job.password, job.hash);

  function start(index: number): Slot {
    const worker = new Worker(workerUrl);
    const slot: Slot = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (m: { id: number; result?: unknown; error?: string }) => {
      const p = slot.pending.get(m.id);
      if (!p) return;
      slot.pending.delete(m.id);
      if (slot.pending.size === 0) worker.unref();
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
    // A dead worker hands its jobs to the main thread; the next job starts a fresh worker.
    const fail = () => {
      if (slots[index] === slot) slots[index] = undefined;
      for (const p of slot.pending.values()) runFallback(p.job).then(p.resolve, p.reject);
      slot.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', fail);
    slots[index] = slot;
    return slot;
  }

  function run(job: Job): Promise<unknown> {
    if (closed) return runFallback(job);
    // The least busy worker (starting one where a slot is empty).
    let index = 0;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i];
      if (!s) {
        index = i;
        break;
      }
      if (s.pending.size < (slots[index]?.pending.size ?? Number.POSITIVE_INFINITY)) index = i;
    }
    let slot: Slot;
    try {
      slot = slots[index] ?? start(index);
    } catch {
      return runFallback(job);
    }
    const id = nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { job, resolve, reject });
      slot.worker.ref();
      slot.worker.postMessage({ ...job, id });
    });
  }

  return {
    hash: (password, cost) => run({ op: 'hash', password, cost }) as Promise<string>,
    compare: (password, hash) => run({ op: 'compare', password, hash }) as Promise<boolean>,
    async close() {
      closed = true;
      await Promise.all(slots.map((s) => s?.worker.terminate()));
    },
  };
}
