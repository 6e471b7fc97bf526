import type { Database } from 'better-sqlite3';

/**
 * The members' copies of conversations.last_activity_at (participants.last_activity_at, which the
 * conversation list walks in order) are brought up to date lazily (migration 0027): sends mark the
 * conversation pending, and `flush` copies the activity of every pending conversation onto its
 * members' rows. Must run inside a write transaction, before anything reads the copies.
 */
export function createActivityCopies(db: Database) {
  const anyPending = db.prepare<[], number>('SELECT EXISTS (SELECT 1 FROM activity_pending)').pluck();
  const copy = db.prepare(
    `UPDATE participants
     SET last_activity_at = (SELECT c.last_activity_at FROM conversations c WHERE c.id = participants.conversation_id)
     WHERE conversation_id IN (SELECT conversation_id FROM activity_pending)`,
  );
  const clear = db.prepare('DELETE FROM activity_pending');
  return {
    /** True while some member rows lag their conversation's activity. */
    pending: (): boolean => anyPending.get() === 1,
    flush(): void {
      if (anyPending.get() !== 1) return;
      copy.run();
      clear.run();
    },
  };
}
