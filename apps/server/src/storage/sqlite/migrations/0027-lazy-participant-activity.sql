-- A send bumped conversations.last_activity_at and the 0007 trigger then rewrote every member's
-- participants row (and its participants_user_activity index entry): O(members) writes per message.
-- Now a send only marks the conversation in activity_pending (one row per conversation, however
-- many messages and members); the conversation list copies the pending activity times onto the
-- members' rows before it walks the index (sqlite-activity.ts), in the same transaction as the page
-- read, so the order it returns is exactly the one the eager copy gave.
DROP TRIGGER conversations_activity_to_participants;

CREATE TABLE activity_pending (conversation_id TEXT PRIMARY KEY) WITHOUT ROWID;

-- Every path that moves the conversation's activity (sending, system messages, encrypted sends, the
-- bench's bulk seeding) marks it, inside its own transaction.
CREATE TRIGGER conversations_activity_pending AFTER UPDATE OF last_activity_at ON conversations
WHEN new.last_activity_at IS NOT old.last_activity_at
BEGIN
  INSERT OR IGNORE INTO activity_pending (conversation_id) VALUES (new.id);
END;
