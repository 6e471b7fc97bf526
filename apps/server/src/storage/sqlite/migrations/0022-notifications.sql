-- Notifications that reach people when Charla is not open. Dates: ms since the epoch.

-- Web Push subscriptions: one per session (signed-in device) and per endpoint.
CREATE TABLE push_subscriptions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  session_id TEXT NOT NULL UNIQUE,
  endpoint TEXT NOT NULL UNIQUE,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  prefs TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX push_subscriptions_user ON push_subscriptions (user_id);

-- The durable push queue: one row per push to one subscription. At most one pending row per
-- subscription and conversation (a burst folds into it); a row being sent is leased.
CREATE TABLE push_jobs (
  id TEXT PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES push_subscriptions (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  count INTEGER NOT NULL,
  urgency TEXT NOT NULL CHECK (urgency IN ('high', 'normal')),
  content TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sending')),
  due_at INTEGER NOT NULL,
  lease_until INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX push_jobs_pending_burst ON push_jobs (subscription_id, conversation_id) WHERE state = 'pending';
CREATE INDEX push_jobs_due ON push_jobs (state, due_at);
CREATE INDEX push_jobs_lease ON push_jobs (state, lease_until);
CREATE INDEX push_jobs_reader ON push_jobs (user_id, conversation_id, seq);

-- The opt-in email digest of missed direct messages and mentions.
CREATE TABLE email_digest_settings (
  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  enabled INTEGER NOT NULL,
  delay_minutes INTEGER NOT NULL,
  hide_content INTEGER NOT NULL,
  locale TEXT NOT NULL,
  last_sent_at INTEGER,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE email_digest_missed (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  message_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  mention INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, message_id)
) WITHOUT ROWID;
CREATE INDEX email_digest_missed_oldest ON email_digest_missed (user_id, created_at);
CREATE INDEX email_digest_missed_reader ON email_digest_missed (user_id, conversation_id, seq);

CREATE TABLE email_digest_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX email_digest_tokens_user ON email_digest_tokens (user_id);
