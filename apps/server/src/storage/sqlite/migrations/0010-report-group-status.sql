-- A group's moderators decide on a report for their group only: their status is separate from the
-- site-level one that site admins work through (so a group owner can no longer close a report that
-- site admins should see). Reports closed before this change keep their decision in both.
ALTER TABLE reports ADD COLUMN group_status TEXT NOT NULL DEFAULT 'open'
  CHECK (group_status IN ('open', 'resolved', 'dismissed'));
ALTER TABLE reports ADD COLUMN group_resolution_note TEXT;
ALTER TABLE reports ADD COLUMN group_resolved_by TEXT;
ALTER TABLE reports ADD COLUMN group_resolved_at INTEGER;
UPDATE reports SET group_status = status, group_resolution_note = resolution_note,
  group_resolved_by = resolved_by, group_resolved_at = resolved_at
  WHERE status != 'open' AND conversation_id IS NOT NULL;
CREATE INDEX reports_conversation_group_status ON reports (conversation_id, group_status, created_at DESC, id DESC)
  WHERE conversation_id IS NOT NULL;
