-- The space registry (issue 20). It is read in the home database, next to the accounts; each
-- space's own data lives in DATA_DIR/spaces/<id>.sqlite, where these tables stay empty.
CREATE TABLE spaces (
  id TEXT PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  icon TEXT,
  accent_color TEXT,
  join_policy TEXT NOT NULL CHECK (join_policy IN ('invite', 'domain', 'anyone')),
  join_domains TEXT NOT NULL DEFAULT '[]',
  default_language TEXT,
  retention_days INTEGER,
  edit_window_seconds INTEGER,
  members_may_create_channels INTEGER NOT NULL DEFAULT 1,
  mongo_uri TEXT,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  delete_after INTEGER
);
CREATE INDEX spaces_delete_after ON spaces (delete_after) WHERE delete_after IS NOT NULL;
CREATE INDEX spaces_retention ON spaces (id) WHERE retention_days IS NOT NULL;

CREATE TABLE space_members (
  space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  joined_at INTEGER NOT NULL,
  PRIMARY KEY (space_id, user_id)
) WITHOUT ROWID;
CREATE INDEX space_members_list ON space_members (space_id, joined_at, user_id);
CREATE INDEX space_members_user ON space_members (user_id, joined_at);

CREATE TABLE space_invites (
  code TEXT PRIMARY KEY,
  space_id TEXT NOT NULL REFERENCES spaces (id) ON DELETE CASCADE,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX space_invites_space ON space_invites (space_id, created_at);
