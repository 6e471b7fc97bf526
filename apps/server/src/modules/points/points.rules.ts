import type { PointsRuleId } from '@charla/shared-types';

/** The facts a rule listens to (published by messaging; see points.listener.ts). */
export type PointsTrigger = 'message:created' | 'reaction:added' | 'scheduled';

export type PointsRule = {
  id: PointsRuleId;
  points: number;
  /** Most points one user may earn from this rule per UTC day. */
  dailyCap: number;
  trigger: PointsTrigger;
  /** What counts, in words (also the admin-facing documentation of the rule). */
  description: string;
};

/**
 * The rule table. Rules use message metadata only (who, where, when, replies, reactions), never
 * text: that keeps them valid for end-to-end encrypted conversations, where the server has none.
 * A rule that needs content (new_language) must ask the content policy first.
 */
export const POINTS_RULES = {
  first_message_of_day: {
    id: 'first_message_of_day',
    points: 5,
    dailyCap: 25,
    trigger: 'message:created',
    description: 'First message of the UTC day in a conversation with someone else in it',
  },
  streak_day: {
    id: 'streak_day',
    points: 2,
    dailyCap: 2,
    trigger: 'message:created',
    description: 'A day with at least one counted message; consecutive days build the streak',
  },
  reply_received: {
    id: 'reply_received',
    points: 3,
    dailyCap: 30,
    trigger: 'message:created',
    description: 'Someone else replied to your message (once per message and replier)',
  },
  reaction_received: {
    id: 'reaction_received',
    points: 1,
    dailyCap: 20,
    trigger: 'reaction:added',
    description: 'Someone else reacted to your message (once per message and person, any emoji)',
  },
  helpful_message: {
    id: 'helpful_message',
    points: 10,
    dailyCap: 30,
    trigger: 'reaction:added',
    description: 'A message in a channel that five different people (not the author) reacted to',
  },
  invite_stayed: {
    id: 'invite_stayed',
    points: 15,
    dailyCap: 45,
    trigger: 'scheduled',
    description: 'Someone who joined through your invite link is still a member 7 days later',
  },
  new_language: {
    id: 'new_language',
    points: 5,
    dailyCap: 10,
    trigger: 'message:created',
    description: 'Chatted in a language new to you (detected by translation; never in encrypted chats)',
  },
} as const satisfies Record<PointsRuleId, PointsRule>;

/** Distinct reactors (not the author) that make a channel message "helpful". */
export const HELPFUL_REACTORS = 5;
/** Deleting a message within this time takes back what it earned. */
export const QUICK_DELETE_MS = 10 * 60_000;

/** UTC day key, YYYY-MM-DD. */
export const dayKey = (at: Date): string => at.toISOString().slice(0, 10);
export const previousDay = (day: string): string => dayKey(new Date(Date.parse(`${day}T00:00:00.000Z`) - 86_400_000));
