import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';

/**
 * WAL checkpoints off the event loop. SQLite's automatic checkpoint runs inside the COMMIT that
 * crosses 1,000 WAL pages: that send waits for the copy and two fsyncs (4-10 ms here, about every
 * 50 messages), and every send behind it waits too. Here the server's connections turn the automatic
 * checkpoint off and one worker thread per process checkpoints every attached file on a timer
 * (sqlite-checkpoint-worker.ts). Durability is unchanged (a commit is in the WAL either way; the
 * checkpoint moves it into the database file). If the worker cannot start or dies, every attached
 * connection gets its automatic checkpoint back.
 */
export type Checkpointer = {
  /** Takes over `db`'s checkpoints (the file must exist). */
  attach(file: string, db: Database): void;
  /**
   * After `db` closed: when it was the file's last connection here, the worker closes its own, which
   * checkpoints what is left.
   */
  detach(file: string, db: Database): Promise<void>;
};

export const CHECKPOINT_OPTIONS = {
  intervalMs: 200,
  /** About 40 MB of WAL (4 KB pages) before a RESTART checkpoint makes the next write start it over. */
  restartFrames: 10_000,
  /** The WAL file is cut back to this size when it starts over. */
  journalSizeLimit: 64 * 1024 * 1024,
};
/** SQLite's default, given back when the worker is gone. */
const AUTO_CHECKPOINT_PAGES = 1000;
const DETACH_TIMEOUT_MS = 2000;
const workerUrl = new URL('./sqlite-checkpoint-worker.ts', import.meta.url);

type FromWorker =
  | { op: 'detached'; id: number }
  | { op: 'lost'; file: string; error: string }
  | { op: 'warn'; file: string; error: string };

export function createCheckpointer(
  onWarn: (file: string, error: string) => void = () => undefined,
  options: typeof CHECKPOINT_OPTIONS = CHECKPOINT_OPTIONS,
): Checkpointer {
  let worker: Worker | null = null;
  /** The server's open connections to each file (a file can be opened more than once). */
  const attached = new Map<string, Set<Database>>();
  const detaching = new Map<number, () => void>();
  let nextId = 1;

  const giveBack = (db: Database) => {
    try {
      if (db.open) db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    } catch {
      // Closing: nothing to give back.
    }
  };

  /**
   * The worker keeps the process alive only while a close waits for it (hearing from the worker refs
   * its port again, so this runs after every message too): an idle checkpointer never does.
   */
  const hold = (w: Worker) => {
    if (detaching.size > 0) w.ref();
    else w.unref();
  };

  function start(): Worker {
    const w = new Worker(workerUrl, { workerData: options });
    w.unref();
    w.on('message', (m: FromWorker) => {
      if (m.op === 'detached') {
        detaching.get(m.id)?.();
        detaching.delete(m.id);
      } else if (m.op === 'lost') {
        for (const db of attached.get(m.file) ?? []) giveBack(db);
        attached.delete(m.file);
        onWarn(m.file, m.error);
      } else onWarn(m.file, m.error);
      hold(w);
    });
    // A dead worker: every connection checkpoints by itself again; the next attach starts a new one.
    const gone = () => {
      if (worker !== w) return;
      worker = null;
      for (const dbs of attached.values()) for (const db of dbs) giveBack(db);
      attached.clear();
      for (const done of detaching.values()) done();
      detaching.clear();
    };
    w.on('error', gone);
    w.on('exit', gone);
    return w;
  }

  return {
    attach(file, db) {
      try {
        worker ??= start();
        db.pragma('wal_autocheckpoint = 0');
        const dbs = attached.get(file);
        if (dbs) dbs.add(db);
        else {
          attached.set(file, new Set([db]));
          worker.postMessage({ op: 'attach', file });
        }
      } catch {
        giveBack(db);
      }
    },
    detach(file, db) {
      const w = worker;
      const dbs = attached.get(file);
      if (!dbs?.delete(db) || dbs.size > 0 || !w) return Promise.resolve();
      attached.delete(file);
      const id = nextId++;
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          detaching.delete(id);
          hold(w);
          resolve();
        }, DETACH_TIMEOUT_MS);
        detaching.set(id, () => {
          clearTimeout(timer);
          resolve();
        });
        hold(w);
        w.postMessage({ op: 'detach', file, id });
      });
    },
  };
}

let shared: Checkpointer | null = null;
let warnShared: ((file: string, error: string) => void) | null = null;
/** The process's checkpointer (one worker thread for every SQLite file the process opens). */
export function processCheckpointer(onWarn?: (file: string, error: string) => void): Checkpointer {
  warnShared ??= onWarn ?? null;
  shared ??= createCheckpointer((file, error) => warnShared?.(file, error));
  return shared;
}
