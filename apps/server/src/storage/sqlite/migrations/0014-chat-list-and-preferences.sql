-- "Mark as unread" per member (a chat list flag, cleared by the member) and the account's
-- appearance preferences (JSON, validated by the users service; every device of the account reads them).
ALTER TABLE participants ADD COLUMN marked_unread INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN preferences TEXT NOT NULL DEFAULT '{}';
