/**
 * Worker thread body for sqlite-checkpointer.ts: WAL checkpoints (copying the WAL's pages into the
 * database file, then fsync) run here, on a connection of their own to each attached file, so the
 * server's event loop never waits for them. Imports nothing but better-sqlite3 (Node loads it
 * directly, not bundled).
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

type Message = { op: 'attach'; file: string } | { op: 'detach'; file: string; id: number };
type Options = { intervalMs: number; restartFrames: number; journalSizeLimit: number };
type CheckpointRow = { busy: number; log: number; checkpointed: number };

const options = workerData as Options;
const dbs = new Map<string, Database.Database>();

function checkpoint(db: Database.Database): void {
  // PASSIVE copies what it can without waiting for anyone: writers and readers go on meanwhile.
  const [row] = db.pragma('wal_checkpoint(PASSIVE)') as CheckpointRow[];
  // Under sustained writes the WAL is never fully copied at the moment a write starts, so it never
  // starts over and keeps growing: past the limit, RESTART waits for the writer between two
  // transactions (what is left to copy is what arrived since the PASSIVE one) and the next write
  // starts the WAL from its beginning.
  if (row && row.log > options.restartFrames) db.pragma('wal_checkpoint(RESTART)');
}

function tick(): void {
  for (const [file, db] of dbs) {
    try {
      checkpoint(db);
    } catch (err) {
      // Busy (another process's checkpoint) or the file is gone: the next tick tries again.
      parentPort?.postMessage({ op: 'warn', file, error: err instanceof Error ? err.message : String(err) });
    }
  }
}

parentPort?.on('message', (m: Message) => {
  if (m.op === 'attach') {
    if (dbs.has(m.file)) return;
    try {
      const db = new Database(m.file, { fileMustExist: true });
      // The server's connection waits for this one, not the other way round.
      db.pragma('busy_timeout = 0');
      db.pragma(`journal_size_limit = ${options.journalSizeLimit}`);
      dbs.set(m.file, db);
    } catch (err) {
      parentPort?.postMessage({ op: 'lost', file: m.file, error: err instanceof Error ? err.message : String(err) });
    }
    return;
  }
  const db = dbs.get(m.file);
  dbs.delete(m.file);
  try {
    // The server's connection has closed: this one is the last, and closing it checkpoints the
    // whole WAL and removes it, as the server's own close would have.
    db?.close();
  } catch {
    // Already closed: nothing left to do.
  }
  parentPort?.postMessage({ op: 'detached', id: m.id });
});

setInterval(tick, options.intervalMs);
