-- The pending-upload quota sums an uploader's unattached media.
CREATE INDEX media_pending_uploader ON media (uploader_id, size) WHERE attached_at IS NULL;

-- Sign-ups waiting for their emailed code (one per address). A taken address gets a stand-in row
-- (existing_user_id set) so the answers are the same as for a new one. Dates: ms since the epoch.
CREATE TABLE pending_registrations (
  email TEXT PRIMARY KEY,
  existing_user_id TEXT,
  username TEXT,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  link_token_hash TEXT NOT NULL UNIQUE,
  attempts INTEGER NOT NULL DEFAULT 0,
  sent_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX pending_registrations_expiry ON pending_registrations (expires_at);
