import type { Database } from 'better-sqlite3';

type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Group commit: the calls made during one event-loop turn run in ONE write transaction, each in its
 * own savepoint (a call that throws rolls back only its own writes and rejects only its caller),
 * and every caller hears its outcome after the COMMIT, never before. Under load this shares one
 * BEGIN IMMEDIATE/COMMIT (and the WAL frames of pages several calls touch, such as the FTS index)
 * between many sends; alone, a call costs what its own transaction did, one turn later.
 * `drain` runs what is queued now (before the database closes).
 */
export function createGroupCommit<A, R>(db: Database, body: (arg: A) => R) {
  type Waiting = { arg: A; resolve: (r: R) => void; reject: (e: unknown) => void };
  let queue: Waiting[] = [];
  const one = db.transaction(body);
  const many = db.transaction((batch: Waiting[]) =>
    batch.map((w): Outcome<R> => {
      try {
        // Nested transaction function: a SAVEPOINT inside the batch's transaction.
        return { ok: true, value: one(w.arg) };
      } catch (error) {
        return { ok: false, error };
      }
    }),
  );
  const drain = (): void => {
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    let outcomes: Outcome<R>[];
    try {
      outcomes =
        batch.length === 1 && batch[0] ? [{ ok: true, value: one.immediate(batch[0].arg) }] : many.immediate(batch);
    } catch (error) {
      // BEGIN or COMMIT failed (or the single call threw): nothing of the batch was written.
      for (const w of batch) w.reject(error);
      return;
    }
    outcomes.forEach((o, i) => {
      const w = batch[i];
      if (!w) return;
      if (o.ok) w.resolve(o.value);
      else w.reject(o.error);
    });
  };
  const run = (arg: A): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      if (queue.length === 0) setImmediate(drain);
      queue.push({ arg, resolve, reject });
    });
  return { run, drain };
}
