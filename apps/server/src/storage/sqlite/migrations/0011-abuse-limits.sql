-- The pending-upload quota sums an uploader's unattached media.
CREATE INDEX media_pending_uploader ON media (uploader_id, size) WHERE attached_at IS NULL;
