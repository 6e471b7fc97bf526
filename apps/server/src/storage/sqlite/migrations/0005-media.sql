-- Media metadata. Bytes live in the MediaStore (local disk or Cloudinary), keyed by content hash,
-- so several rows may share one storage key. Dates are integer milliseconds since the epoch.
CREATE TABLE media (
  id TEXT PRIMARY KEY,
  uploader_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('image', 'video', 'audio', 'file')),
  mime TEXT NOT NULL,
  size INTEGER NOT NULL,
  width INTEGER,
  height INTEGER,
  duration REAL,
  file_name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  storage_key TEXT NOT NULL,
  thumbnail_key TEXT,
  created_at INTEGER NOT NULL,
  attached_at INTEGER,
  message_id TEXT,
  conversation_id TEXT,
  avatar_type TEXT CHECK (avatar_type IN ('user', 'conversation')),
  avatar_id TEXT
);
CREATE INDEX media_message ON media (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX media_avatar ON media (avatar_type, avatar_id) WHERE avatar_type IS NOT NULL;
-- The 24 h sweeper walks only the unattached rows, oldest first.
CREATE INDEX media_unattached ON media (created_at) WHERE attached_at IS NULL;
-- Reference counts of shared blobs.
CREATE INDEX media_storage_key ON media (storage_key);
CREATE INDEX media_thumbnail_key ON media (thumbnail_key) WHERE thumbnail_key IS NOT NULL;
-- Admin statistics: uploads per day and total bytes.
CREATE INDEX media_created ON media (created_at, size);
