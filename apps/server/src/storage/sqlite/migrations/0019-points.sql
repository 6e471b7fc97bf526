-- Points and achievements. points_ledger is append-only (awards, and reversals with negative points);
-- every other table here is a projection of it, rebuilt from it by `pnpm points:rebuild`, except the
-- settings (visibility, leaderboard switches) and the pending checks. Dates: ms since the epoch.
CREATE TABLE points_ledger (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  event_key TEXT NOT NULL,
  points INTEGER NOT NULL,
  conversation_id TEXT,
  message_id TEXT,
  cause_message_id TEXT,
  reverses_id TEXT,
  actor_id TEXT,
  reason TEXT,
  detail TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  -- Exactly once per rule and causing event (retries, concurrent sends, several processes).
  UNIQUE (rule_id, event_key)
);
CREATE INDEX points_ledger_user ON points_ledger (user_id, created_at, id);
CREATE INDEX points_ledger_message ON points_ledger (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX points_ledger_cause ON points_ledger (cause_message_id) WHERE cause_message_id IS NOT NULL;
CREATE UNIQUE INDEX points_ledger_reverses ON points_ledger (reverses_id) WHERE reverses_id IS NOT NULL;
CREATE INDEX points_ledger_created ON points_ledger (created_at);

CREATE TABLE points_totals (
  user_id TEXT PRIMARY KEY,
  points INTEGER NOT NULL DEFAULT 0,
  best_streak INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE points_rule_totals (
  user_id TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  count INTEGER NOT NULL DEFAULT 0,
  points INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, rule_id)
) WITHOUT ROWID;

-- Cap usage: points awarded per user, rule and UTC day (reversals do not give any back).
CREATE TABLE points_daily (
  user_id TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  day TEXT NOT NULL,
  points INTEGER NOT NULL,
  PRIMARY KEY (user_id, rule_id, day)
) WITHOUT ROWID;

-- Leaderboards: points per conversation, all time (period 'all') and per ISO week ('2026-W49').
-- `hidden` mirrors the user's visibility 'nobody', so a board is one walk of points_board.
CREATE TABLE points_boards (
  conversation_id TEXT NOT NULL,
  period TEXT NOT NULL,
  user_id TEXT NOT NULL,
  points INTEGER NOT NULL,
  hidden INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (conversation_id, period, user_id)
) WITHOUT ROWID;
CREATE INDEX points_board ON points_boards (conversation_id, period, hidden, points DESC, user_id);
CREATE INDEX points_boards_user ON points_boards (user_id);

CREATE TABLE points_achievements (
  user_id TEXT NOT NULL,
  achievement_id TEXT NOT NULL,
  tier TEXT NOT NULL CHECK (tier IN ('bronze', 'silver', 'gold')),
  earned_at INTEGER NOT NULL,
  PRIMARY KEY (user_id, achievement_id, tier)
) WITHOUT ROWID;
CREATE INDEX points_achievements_earned ON points_achievements (earned_at);

CREATE TABLE points_settings (
  user_id TEXT PRIMARY KEY,
  visibility TEXT NOT NULL CHECK (visibility IN ('everyone', 'members', 'nobody'))
) WITHOUT ROWID;

CREATE TABLE points_leaderboards (
  conversation_id TEXT PRIMARY KEY,
  enabled INTEGER NOT NULL,
  updated_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE points_pending (
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  user_id TEXT NOT NULL,
  subject_user_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX points_pending_due ON points_pending (due_at);
