-- The conversation list ("my conversations, newest activity first") filters on participants but sorted
-- on conversations.last_activity_at, so SQLite joined every membership and sorted them in a temp
-- B-tree before the LIMIT: O(memberships) per page. The activity time is copied onto each participant
-- row so one index walk in order serves a page. Cost: a message send (which bumps the conversation's
-- activity) now rewrites one index entry per participant of the conversation.
ALTER TABLE participants ADD COLUMN last_activity_at INTEGER NOT NULL DEFAULT 0;

UPDATE participants
SET last_activity_at = (SELECT c.last_activity_at FROM conversations c WHERE c.id = participants.conversation_id);

-- Active memberships of a user in activity order; the conversation id breaks ties (the list cursor).
CREATE INDEX participants_user_activity ON participants (user_id, last_activity_at, conversation_id)
  WHERE left_at IS NULL;

-- Kept in sync by triggers, so every path that moves conversations.last_activity_at (sending, the
-- bench's bulk seeding, future ones) updates the copies inside its own transaction.
CREATE TRIGGER conversations_activity_to_participants AFTER UPDATE OF last_activity_at ON conversations
WHEN new.last_activity_at IS NOT old.last_activity_at
BEGIN
  UPDATE participants SET last_activity_at = new.last_activity_at WHERE conversation_id = new.id;
END;

-- A new (or re-activated) member takes the conversation's current activity time.
CREATE TRIGGER participants_activity_on_insert AFTER INSERT ON participants
BEGIN
  UPDATE participants
  SET last_activity_at = (SELECT c.last_activity_at FROM conversations c WHERE c.id = new.conversation_id)
  WHERE conversation_id = new.conversation_id AND user_id = new.user_id;
END;
