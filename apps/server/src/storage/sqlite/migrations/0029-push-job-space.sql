-- Spaces (issue 20): a push job remembers the space its conversation is in, so the worker checks
-- membership and read state in that space's database.
ALTER TABLE push_jobs ADD COLUMN space_id TEXT NOT NULL DEFAULT 'home';
-- The same for the email digest's missed messages.
ALTER TABLE email_digest_missed ADD COLUMN space_id TEXT NOT NULL DEFAULT 'home';
