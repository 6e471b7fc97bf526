-- Every send wrote its row into the FTS5 index inside the send's own transaction: FTS5 starts a new
-- segment per transaction and rewrites its structure record, about a quarter of the storage CPU of
-- a send (bench/results/profiles). Now a send only queues its rid here (one small b-tree row); the
-- queue is indexed in batches (sqlite-search-queue.ts): a few hundred ms after a send, before every
-- search (so a search sees every committed message, as before) and when the database closes.
-- A crash leaves the queue in the file; the next search or send indexes it.
CREATE TABLE messages_fts_pending (rid INTEGER PRIMARY KEY);

-- Existing rows are indexed already (the old insert trigger).
DROP TRIGGER messages_fts_insert;
CREATE TRIGGER messages_fts_queue AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts_pending (rid) VALUES (new.rid);
END;

-- A queued row is not in the index yet: an edit needs nothing (the batch reads the current text)
-- and a delete only leaves the queue. Telling FTS5 to delete a row it never indexed would corrupt
-- the external-content index. One trigger per event, so the two steps run in this order. (rid is
-- reused when the newest message is deleted: the queue, not a high-water mark, says what is indexed.)
DROP TRIGGER messages_fts_delete;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text)
    SELECT 'delete', old.rid, old.text WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE rid = old.rid);
  DELETE FROM messages_fts_pending WHERE rid = old.rid;
END;

DROP TRIGGER messages_fts_update;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages
WHEN NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE rid = old.rid)
BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rid, old.text);
  INSERT INTO messages_fts (rowid, text) VALUES (new.rid, new.text);
END;
