-- Personal contacts (storage/ports/contacts.ts). Dates are integer milliseconds since the epoch.
CREATE TABLE contacts (
  owner_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  contact_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  nickname TEXT,
  favourite INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (owner_id, contact_id)
) WITHOUT ROWID;
-- The list: favourites first, newest first.
CREATE INDEX contacts_list ON contacts (owner_id, favourite DESC, created_at DESC, contact_id);
