-- Announcement groups and channels: when set, only owners and admins may post, forward into, edit in
-- or react in the conversation (the server enforces it). Existing conversations stay open to members.
ALTER TABLE conversations ADD COLUMN only_admins_post INTEGER NOT NULL DEFAULT 0;
