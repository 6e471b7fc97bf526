import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * Bench-only bulk path (used by `pnpm bench`, never by the server): appends `count` text messages to
 * one existing conversation far faster than `messages.send` one by one, by writing the same rows
 * `send` writes (message, its message.created change row, the FTS index) in large transactions and
 * bumping the conversation's counters once per batch. Run it while no server has the file open.
 * Lives here because SQL stays inside storage/sqlite.
 */
export function bulkAppendMessages(
  dataDir: string,
  input: {
    conversationId: string;
    senderIds: string[];
    count: number;
    text: (i: number) => string;
    /** Message i is created at start + i * stepMs. */
    start: Date;
    stepMs: number;
    batchSize?: number;
  },
  file = 'charla.sqlite',
): { inserted: number; lastSeq: number } {
  const db = new Database(path.join(dataDir, file));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const conv = db
      .prepare<[string], { last_seq: number; change_seq: number }>(
        'SELECT last_seq, change_seq FROM conversations WHERE id = ?',
      )
      .get(input.conversationId);
    if (!conv) throw new Error(`conversation ${input.conversationId} not found`);
    const insertMsg = db.prepare<[string, string, number, string, string, number]>(
      `INSERT INTO messages (id, conversation_id, seq, sender_id, client_msg_id, kind, text, created_at)
       VALUES (?, ?, ?, ?, NULL, 'text', ?, ?)`,
    );
    const insertChange = db.prepare<[string, number, string, number, string, number]>(
      `INSERT INTO changes (conversation_id, change_seq, type, entity_id, message_seq, actor_id, created_at)
       VALUES (?, ?, 'message.created', ?, ?, ?, ?)`,
    );
    const bump = db.prepare<[number, number, number, number, string]>(
      `UPDATE conversations SET last_seq = ?, change_seq = ?, last_activity_at = MAX(last_activity_at, ?),
         last_change_at = MAX(last_change_at, ?) WHERE id = ?`,
    );
    // Indexing row by row is most of the cost (the queueing trigger of migration 0030 and then the
    // queue, or the insert trigger of a database from before it): drop that trigger for the bulk
    // insert and rebuild the index once from the table at the end (about twice as fast), then restore it.
    const found = db
      .prepare<[], { name: string; sql: string }>(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ('messages_fts_queue', 'messages_fts_insert')",
      )
      .get();
    const trigger = found?.sql;
    if (found) db.exec(`DROP TRIGGER ${found.name}`);
    const queued = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'messages_fts_pending'").get() !== undefined;
    let seq = conv.last_seq;
    let changeSeq = conv.change_seq;
    const batch = db.transaction((from: number, to: number) => {
      let at = 0;
      for (let i = from; i < to; i++) {
        seq++;
        changeSeq++;
        at = input.start.getTime() + i * input.stepMs;
        const id = randomUUID();
        const sender = input.senderIds[i % input.senderIds.length] as string;
        insertMsg.run(id, input.conversationId, seq, sender, input.text(i), at);
        insertChange.run(input.conversationId, changeSeq, id, seq, sender, at);
      }
      bump.run(seq, changeSeq, at, at, input.conversationId);
    });
    const size = input.batchSize ?? 20_000;
    try {
      for (let from = 0; from < input.count; from += size) batch(from, Math.min(input.count, from + size));
    } finally {
      if (trigger) {
        // The rebuild indexes every row, the queued ones too: the queue is done with.
        db.transaction(() => {
          db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')");
          if (queued) db.exec('DELETE FROM messages_fts_pending');
        })();
        db.exec(trigger);
      }
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec('ANALYZE');
    return { inserted: input.count, lastSeq: seq };
  } finally {
    db.close();
  }
}
