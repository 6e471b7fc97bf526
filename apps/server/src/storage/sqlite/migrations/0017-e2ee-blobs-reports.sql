-- End-to-end encrypted attachments and reports.
-- Encrypted attachments: the server keeps an opaque ciphertext blob (in the media store) per upload,
-- readable by the conversation's members; the file key, hash and metadata travel inside MLS messages.
CREATE TABLE e2ee_blobs (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  uploader_id TEXT NOT NULL,
  storage_key TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX e2ee_blobs_conversation ON e2ee_blobs (conversation_id, created_at);
CREATE INDEX e2ee_blobs_key ON e2ee_blobs (storage_key);

-- A report of an encrypted message carries what the reporter revealed (the plaintext payload and its
-- franking key), stored only once the server verified it against the commitment it kept.
CREATE TABLE e2ee_report_evidence (
  report_id TEXT PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
  message_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  payload BLOB NOT NULL,
  franking_key BLOB NOT NULL,
  created_at INTEGER NOT NULL
);
