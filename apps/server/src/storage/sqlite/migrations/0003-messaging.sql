-- Messaging: conversations, participants, messages (+ mentions, hidden, reactions, full-text index),
-- invites and the per-conversation change feed. Dates are integer milliseconds since the epoch.
CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('direct', 'group', 'channel')),
  title TEXT,
  description TEXT,
  avatar_url TEXT,
  created_by TEXT NOT NULL REFERENCES users (id),
  created_at INTEGER NOT NULL,
  last_activity_at INTEGER NOT NULL,
  last_seq INTEGER NOT NULL DEFAULT 0,
  change_seq INTEGER NOT NULL DEFAULT 0,
  -- Time of the last change row; `changedSince` filters on it.
  last_change_at INTEGER NOT NULL,
  history_for_newcomers INTEGER NOT NULL DEFAULT 0,
  -- Sorted pair 'a:b' for direct chats: one per pair.
  direct_key TEXT UNIQUE,
  deleted_at INTEGER
);
CREATE INDEX conversations_channels ON conversations (title COLLATE NOCASE) WHERE kind = 'channel' AND deleted_at IS NULL;

CREATE TABLE participants (
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  joined_seq INTEGER NOT NULL,
  last_read_seq INTEGER NOT NULL,
  last_delivered_seq INTEGER NOT NULL,
  muted_until INTEGER,
  archived INTEGER NOT NULL DEFAULT 0,
  pinned INTEGER NOT NULL DEFAULT 0,
  joined_at INTEGER NOT NULL,
  left_at INTEGER,
  left_reason TEXT CHECK (left_reason IN ('left', 'removed')),
  PRIMARY KEY (conversation_id, user_id)
) WITHOUT ROWID;
CREATE INDEX participants_user ON participants (user_id, left_at);

-- `rid` is the stable integer key the external-content FTS table needs (an implicit rowid may change on VACUUM).
CREATE TABLE messages (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  sender_id TEXT NOT NULL REFERENCES users (id),
  client_msg_id TEXT,
  kind TEXT NOT NULL CHECK (kind IN ('text', 'media', 'system')),
  text TEXT NOT NULL DEFAULT '',
  attachments TEXT NOT NULL DEFAULT '[]',
  reply_to TEXT,
  forwarded_from TEXT,
  mentions TEXT NOT NULL DEFAULT '[]',
  system TEXT,
  edited_at INTEGER,
  deleted_at INTEGER,
  created_at INTEGER NOT NULL,
  UNIQUE (conversation_id, seq)
);
CREATE UNIQUE INDEX messages_client_msg ON messages (sender_id, client_msg_id) WHERE client_msg_id IS NOT NULL;
-- Delete-for-everyone wipes the quoted text in replies to the deleted message.
CREATE INDEX messages_reply_to ON messages (json_extract(reply_to, '$.id')) WHERE reply_to IS NOT NULL;

-- One row per mentioned user, for cheap unread-mention counts.
CREATE TABLE message_mentions (
  user_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, conversation_id, seq)
) WITHOUT ROWID;
CREATE INDEX message_mentions_message ON message_mentions (message_id);

-- Delete-for-me.
CREATE TABLE hidden_messages (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, conversation_id, seq)
) WITHOUT ROWID;
CREATE INDEX hidden_messages_message ON hidden_messages (message_id);

CREATE TABLE reactions (
  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  emoji TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (message_id, emoji, user_id)
) WITHOUT ROWID;

CREATE TABLE invites (
  code TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  created_by TEXT NOT NULL REFERENCES users (id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  max_uses INTEGER,
  uses INTEGER NOT NULL DEFAULT 0,
  revoked_at INTEGER
);
CREATE INDEX invites_conversation ON invites (conversation_id, created_at);

-- The change feed: one row per mutation, changeSeq dense per conversation. References only, no content.
CREATE TABLE changes (
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  change_seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  message_seq INTEGER,
  actor_id TEXT,
  audience TEXT,
  data TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, change_seq)
) WITHOUT ROWID;

-- External-content full-text index over messages.text, kept in sync by triggers.
CREATE VIRTUAL TABLE messages_fts USING fts5 (
  text,
  content = 'messages',
  content_rowid = 'rid',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts (rowid, text) VALUES (new.rid, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rid, old.text);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rid, old.text);
  INSERT INTO messages_fts (rowid, text) VALUES (new.rid, new.text);
END;
