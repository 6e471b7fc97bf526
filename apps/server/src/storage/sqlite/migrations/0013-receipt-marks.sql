-- When a member's delivered or read cursor moved, so message info can say when each member got and
-- read a message: the first mark at or above a message's seq is that moment. One row per advance.
CREATE TABLE receipt_marks (
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('delivered', 'read')),
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, user_id, kind, seq)
) WITHOUT ROWID;
