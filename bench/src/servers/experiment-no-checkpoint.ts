/**
 * Diagnostic preload (BENCH_EXPERIMENT=no-autocheckpoint), never used by a normal run: turns off
 * SQLite's WAL auto-checkpoint on every connection the server opens, to measure how much of the
 * fan-out tail latency comes from checkpoints (copy + fsync) running on the event loop. The WAL
 * grows for the length of the run instead.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../apps/server/');
const requireFromServer = createRequire(path.join(serverDir, 'package.json'));
const Database = requireFromServer('better-sqlite3') as {
  prototype: { pragma(this: unknown, s: string, o?: unknown): unknown };
};
const original = Database.prototype.pragma;
Database.prototype.pragma = function pragma(this: unknown, source: string, options?: unknown) {
  const result = original.call(this, source, options);
  if (/^\s*journal_mode\s*=\s*WAL/i.test(source)) original.call(this, 'wal_autocheckpoint = 0');
  return result;
};
