-- Automatic translation (issue 16): detected language per message, preferred reading language per
-- user, cached translations per (message, edit version, target), auto-translate per user and
-- conversation, and daily character counters for the quotas.
ALTER TABLE messages ADD COLUMN language TEXT;
ALTER TABLE users ADD COLUMN reading_language TEXT;

CREATE TABLE message_translations (
  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  target TEXT NOT NULL,
  source TEXT,
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (message_id, target, version)
) WITHOUT ROWID;

CREATE TABLE translation_auto (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, conversation_id)
) WITHOUT ROWID;

-- subject: a user id, or '*' for the whole server.
CREATE TABLE translation_usage (
  day TEXT NOT NULL,
  subject TEXT NOT NULL,
  chars INTEGER NOT NULL,
  PRIMARY KEY (day, subject)
) WITHOUT ROWID;
