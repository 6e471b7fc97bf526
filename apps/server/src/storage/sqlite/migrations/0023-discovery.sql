-- Find friends (storage/ports/discovery.ts): a row per user who may be found by email.
CREATE TABLE discovery_hashes (
  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  email_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX discovery_hashes_hash ON discovery_hashes (email_hash);
