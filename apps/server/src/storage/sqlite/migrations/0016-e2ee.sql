-- End-to-end encrypted conversations (MLS, RFC 9420): the server as Delivery Service. It stores only
-- opaque MLS bytes; the plaintext never reaches it. Dates are integer milliseconds since the epoch.

-- Set at creation, never turned off. Direct chats: an encrypted chat is a separate conversation with the
-- direct key '<a>:<b>:e2ee', so a pair can have one plain and one encrypted chat.
ALTER TABLE conversations ADD COLUMN encrypted INTEGER NOT NULL DEFAULT 0;

-- One MLS client per device; its credential binds (user, device id, signature key).
CREATE TABLE e2ee_devices (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  session_id TEXT,
  name TEXT NOT NULL,
  signature_key BLOB NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX e2ee_devices_user ON e2ee_devices (user_id, created_at);
CREATE INDEX e2ee_devices_session ON e2ee_devices (session_id) WHERE session_id IS NOT NULL;

-- One-time KeyPackages are deleted when claimed; the last-resort one (at most one per device) stays.
CREATE TABLE e2ee_key_packages (
  device_id TEXT NOT NULL REFERENCES e2ee_devices (id) ON DELETE CASCADE,
  ref TEXT NOT NULL,
  data BLOB NOT NULL,
  last_resort INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (device_id, ref)
) WITHOUT ROWID;
CREATE UNIQUE INDEX e2ee_key_packages_last_resort ON e2ee_key_packages (device_id) WHERE last_resort = 1;
CREATE INDEX e2ee_key_packages_pool ON e2ee_key_packages (device_id, last_resort, created_at);

-- The group's current epoch (the next commit must be for it) and the devices commits put in it.
CREATE TABLE e2ee_groups (
  conversation_id TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
  epoch INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE TABLE e2ee_group_devices (
  conversation_id TEXT NOT NULL REFERENCES e2ee_groups (conversation_id) ON DELETE CASCADE,
  device_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  added_epoch INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, device_id)
) WITHOUT ROWID;

-- Handshake (commit) and application messages, in the conversation's seq (shared with the plain
-- messages table through conversations.last_seq). One commit per epoch; a blob is stored once.
CREATE TABLE e2ee_messages (
  rid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('commit', 'application')),
  epoch INTEGER NOT NULL,
  sender_id TEXT NOT NULL,
  sender_device_id TEXT NOT NULL,
  client_msg_id TEXT,
  data BLOB NOT NULL,
  data_hash BLOB NOT NULL,
  franking_tag BLOB,
  created_at INTEGER NOT NULL,
  UNIQUE (conversation_id, seq),
  UNIQUE (conversation_id, data_hash)
);
CREATE UNIQUE INDEX e2ee_messages_client ON e2ee_messages (sender_device_id, client_msg_id)
  WHERE client_msg_id IS NOT NULL;
CREATE UNIQUE INDEX e2ee_messages_commit_epoch ON e2ee_messages (conversation_id, epoch) WHERE kind = 'commit';

-- A Welcome is stored only together with its accepted commit, and handed to the added devices only.
CREATE TABLE e2ee_welcomes (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  commit_seq INTEGER NOT NULL,
  epoch INTEGER NOT NULL,
  data BLOB NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE e2ee_welcome_recipients (
  device_id TEXT NOT NULL,
  welcome_id TEXT NOT NULL REFERENCES e2ee_welcomes (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  PRIMARY KEY (device_id, welcome_id)
) WITHOUT ROWID;
CREATE INDEX e2ee_welcome_recipients_welcome ON e2ee_welcome_recipients (welcome_id);
