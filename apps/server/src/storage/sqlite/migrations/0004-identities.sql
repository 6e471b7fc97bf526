-- External sign-in identities (Google, any OpenID Connect provider): (provider, subject) -> user.
-- Dates are integer milliseconds since the epoch.
CREATE TABLE identities (
  id TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  subject TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  email TEXT,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  UNIQUE (provider, subject)
);
CREATE INDEX identities_user ON identities (user_id, created_at);
