-- Social profiles on a person's profile (storage/ports/social-links.ts).
CREATE TABLE social_links (
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  network TEXT NOT NULL CHECK (network IN ('github', 'x', 'instagram', 'linkedin', 'website')),
  handle TEXT NOT NULL,
  visibility TEXT NOT NULL CHECK (visibility IN ('public', 'shared', 'hidden')),
  verified INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, network)
) WITHOUT ROWID;
