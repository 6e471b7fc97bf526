-- Media, files and links each conversation has shared (details panel tabs), newest first per kind.
-- Rows reference their message and go with it; the same media or URL appears once per message.
CREATE TABLE shared_items (
  conversation_id TEXT NOT NULL,
  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('media', 'file', 'link')),
  media_id TEXT,
  url TEXT,
  sender_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  item_key TEXT NOT NULL,
  PRIMARY KEY (message_id, item_key)
) WITHOUT ROWID;
CREATE INDEX shared_items_list ON shared_items (conversation_id, kind, seq DESC);
