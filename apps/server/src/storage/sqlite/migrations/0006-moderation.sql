-- Moderation: reports, audit log; plus the indexes the admin statistics read.
-- Dates are integer milliseconds since the epoch.
CREATE TABLE reports (
  id TEXT PRIMARY KEY,
  reporter_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  target_type TEXT NOT NULL CHECK (target_type IN ('message', 'user', 'conversation')),
  target_id TEXT NOT NULL,
  conversation_id TEXT,
  reason TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'dismissed')),
  resolution_note TEXT,
  resolved_by TEXT,
  resolved_at INTEGER,
  created_at INTEGER NOT NULL
);
-- One open report per reporter and target: the index is what enforces it (closed ones may repeat).
CREATE UNIQUE INDEX reports_open_unique ON reports (reporter_id, target_type, target_id) WHERE status = 'open';
CREATE INDEX reports_status ON reports (status, created_at DESC, id DESC);
CREATE INDEX reports_conversation ON reports (conversation_id, created_at DESC, id DESC) WHERE conversation_id IS NOT NULL;
CREATE INDEX reports_created ON reports (created_at DESC, id DESC);

CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  actor_id TEXT NOT NULL,
  action TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  conversation_id TEXT,
  details TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL
);
CREATE INDEX audit_created ON audit_log (created_at DESC, id DESC);
CREATE INDEX audit_actor ON audit_log (actor_id, created_at DESC, id DESC);
CREATE INDEX audit_target ON audit_log (target_id, created_at DESC, id DESC);
CREATE INDEX audit_conversation ON audit_log (conversation_id, created_at DESC, id DESC) WHERE conversation_id IS NOT NULL;

-- Admin statistics: every aggregate is a range scan over one of these (covering where possible).
CREATE INDEX users_created ON users (created_at);
-- Partial and covering: counting live users reads only this index.
CREATE INDEX users_live ON users (deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX users_last_seen ON users (last_seen_at) WHERE last_seen_at IS NOT NULL;
CREATE INDEX sessions_last_used ON sessions (last_used_at, user_id);
CREATE INDEX messages_created_sender ON messages (created_at, kind, sender_id);
CREATE INDEX conversations_kind ON conversations (kind, deleted_at);
