-- Link previews (storage/ports/link-previews.ts). Dates are integer milliseconds since the epoch.

-- The preview of a message's first link, as JSON (LinkPreviewRecord); wiped with the content.
ALTER TABLE messages ADD COLUMN link_preview TEXT;
-- Which messages show a stored image (the image sweeper keeps those).
CREATE INDEX messages_link_preview_image ON messages (json_extract(link_preview, '$.image.id'))
  WHERE link_preview IS NOT NULL;

-- One entry per URL (keyed by its SHA-256): a preview as JSON, or NULL for "nothing to show".
CREATE TABLE link_preview_cache (
  url_key TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  preview TEXT,
  image_id TEXT,
  fetched_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX link_preview_cache_expiry ON link_preview_cache (expires_at);
CREATE INDEX link_preview_cache_image ON link_preview_cache (image_id) WHERE image_id IS NOT NULL;

-- Preview images the server fetched and re-encoded; bytes in the MediaStore under storage_key.
CREATE TABLE link_preview_images (
  id TEXT PRIMARY KEY,
  storage_key TEXT NOT NULL,
  mime TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  size INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX link_preview_images_created ON link_preview_images (created_at);
CREATE INDEX link_preview_images_key ON link_preview_images (storage_key);
