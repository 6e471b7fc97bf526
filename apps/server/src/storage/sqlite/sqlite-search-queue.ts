import type { Database } from 'better-sqlite3';

/** How long a sent message may wait for the search index when nobody searches (migration 0030). */
export const SEARCH_INDEX_DELAY_MS = 250;

/**
 * The FTS5 index of messages is written in batches: sends queue their rid (a trigger, in the send's
 * transaction) and `flush` indexes the whole queue in one write transaction, which costs FTS5 one new
 * segment for the batch instead of one per send. `soon` asks for a flush after SEARCH_INDEX_DELAY_MS;
 * search calls `flush` first, so it never misses a committed message.
 */
export function createSearchQueue(db: Database, onError: (err: unknown) => void = () => undefined) {
  const anyQueued = db.prepare<[], number>('SELECT EXISTS (SELECT 1 FROM messages_fts_pending)').pluck();
  const index = db.prepare(
    `INSERT INTO messages_fts (rowid, text)
     SELECT m.rid, m.text FROM messages_fts_pending q JOIN messages m ON m.rid = q.rid ORDER BY q.rid`,
  );
  const clear = db.prepare('DELETE FROM messages_fts_pending');
  const flushTx = db.transaction(() => {
    if (anyQueued.get() !== 1) return;
    index.run();
    clear.run();
  });
  let timer: NodeJS.Timeout | null = null;

  const flush = (): void => {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    // Nothing queued (every search when nobody is sending): no write lock, no transaction.
    if (!db.open || anyQueued.get() !== 1) return;
    // Nested in a caller's transaction it joins it (a savepoint); alone it takes the write lock first.
    if (db.inTransaction) flushTx();
    else flushTx.immediate();
  };
  return {
    flush,
    /** After a send: index what is queued a little later, with whatever else was sent meanwhile. */
    soon(): void {
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        try {
          flush();
        } catch (err) {
          // Busy or closing: the queue stays in the file and the next flush (a search, a send) takes it.
          onError(err);
        }
      }, SEARCH_INDEX_DELAY_MS);
      timer.unref();
    },
    /** Stops the timer (the database is closing; `flush` first to leave the index complete). */
    stop(): void {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
