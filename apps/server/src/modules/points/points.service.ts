import type { ReactionSummary } from '@charla/shared-types';
import type { Logger } from 'pino';
import type { Clock } from '../../app-context.ts';
import type { MessageRecord, NewPointsAward, PointsEntryRecord, Storage } from '../../storage/ports.ts';
import type { ContentPolicy } from '../messaging/content-policy.ts';
import type { Fanout } from '../realtime/realtime.fanout.ts';
import { createKnownKeys } from './points.known-keys.ts';
import { levelInfo, qualifiedTiers } from './points.progress.ts';
import { projectLedger } from './points.projection.ts';
import { dayKey, HELPFUL_REACTORS, POINTS_RULES, previousDay, QUICK_DELETE_MS } from './points.rules.ts';

export type PointsDeps = {
  storage: Storage;
  /** The one "may the server read this conversation's content" check (modules/messaging/content-policy.ts). */
  contentPolicy: ContentPolicy;
  fanout: Pick<Fanout, 'toUsers'>;
  clock: Clock;
  logger: Pick<Logger, 'warn' | 'error'>;
  /** Direct chats earn nothing while either account is younger than this. */
  directMinAccountAgeMs: number;
};

/**
 * What the rules may know about a message: metadata, never text (not even a reply's quoted snippet).
 * points.listener.ts builds it from the published fact.
 */
export type MessageFact = {
  id: string;
  conversationId: string;
  senderId: string | null;
  kind: 'text' | 'media' | 'system';
  forwarded: boolean;
  replyTo: { id: string; senderId: string | null } | null;
  createdAt: Date;
  deletedAt: Date | null;
};

/** The same metadata from a stored message (no text). */
export const recordFact = (m: MessageRecord): MessageFact => ({
  id: m.id,
  conversationId: m.conversationId,
  senderId: m.senderId,
  kind: m.kind,
  forwarded: m.forwardedFrom !== null,
  replyTo: m.replyTo ? { id: m.replyTo.id, senderId: m.replyTo.senderId } : null,
  createdAt: m.createdAt,
  deletedAt: m.deletedAt,
});

export type Award = Omit<NewPointsAward, 'dailyCap' | 'createdAt'> & { createdAt?: Date };

/**
 * Turns published facts into ledger entries. Every check reads metadata only (sender, membership,
 * reply target, reactors, account age and state): never message text, so encrypted conversations
 * are treated exactly like plain ones and nothing about their content is learnt.
 */
export function createPointsService(deps: PointsDeps) {
  const { storage, fanout, clock, logger } = deps;
  const known = createKnownKeys();

  /** Suspended and deleted accounts earn nothing. */
  async function mayEarn(userId: string): Promise<boolean> {
    const u = await storage.users.findById(userId);
    return u !== null && !u.suspendedAt && !u.deletedAt;
  }

  /**
   * Whether activity in this conversation counts: someone other than `userId` is in it, and in a
   * direct chat both accounts are old enough.
   */
  async function countsIn(conversationId: string, userId: string, now: Date): Promise<boolean> {
    const conversation = await storage.conversations.findById(conversationId);
    if (!conversation || conversation.deletedAt) return false;
    const members = await storage.participants.listUserIds(conversationId);
    const others = members.filter((id) => id !== userId);
    if (others.length === 0) return false;
    if (conversation.kind !== 'direct') return true;
    const users = await Promise.all([userId, ...others].map((id) => storage.users.findById(id)));
    return users.every((u) => u !== null && now.getTime() - u.createdAt.getTime() >= deps.directMinAccountAgeMs);
  }

  /** Writes awards (exactly once each, within caps) and announces achievements they complete. */
  async function grant(awards: Award[], now: Date, announce = true): Promise<PointsEntryRecord[]> {
    const fresh = awards.filter((a) => !known.has(a.ruleId, a.eventKey));
    if (fresh.length === 0) return [];
    const outcomes = await storage.points.award(
      fresh.map((a) => ({ ...a, createdAt: a.createdAt ?? now, dailyCap: POINTS_RULES[a.ruleId].dailyCap })),
    );
    outcomes.forEach((o, i) => {
      const a = fresh[i];
      if (a && o.status !== 'capped') known.add(a.ruleId, a.eventKey);
    });
    const awarded = outcomes.flatMap((o) => (o.status === 'awarded' ? [o.entry] : []));
    // A message deleted while its award was being written: the deletion's reversal pass may have
    // run before the entry existed, so apply the deletion rule again now that it does.
    const about = new Set(awarded.flatMap((e) => [e.messageId, e.causeMessageId]).filter((id) => id !== null));
    for (const id of about) {
      const m = await storage.messages.findById(id);
      if (m?.deletedAt) await onMessageDeleted(recordFact(m));
    }
    for (const userId of new Set(awarded.map((e) => e.userId))) await checkAchievements(userId, now, announce);
    return awarded;
  }

  /** Earns every tier the user's totals reach; whoever inserts a tier first announces it. */
  async function checkAchievements(userId: string, now: Date, announce = true): Promise<void> {
    const totals = await storage.points.totals(userId);
    for (const { id, tier } of qualifiedTiers(totals)) {
      const fresh = await storage.points.earnAchievement({ userId, achievementId: id, tier, earnedAt: now });
      if (!fresh || !announce) continue;
      const { points, level } = levelInfo(totals?.points ?? 0);
      fanout.toUsers([userId], 'points:achievement', { id, tier, earnedAt: now.toISOString(), points, level });
    }
  }

  async function onMessageCreated(message: MessageFact, announce = true): Promise<void> {
    const sender = message.senderId;
    if (!sender || message.kind === 'system' || message.forwarded || message.deletedAt) return;
    const now = message.createdAt;
    const awards: Award[] = [];
    const day = dayKey(now);
    const firstKey = `${sender}:${message.conversationId}:${day}`;
    // Both keys already awarded (every message after a sender's first of the day): nothing to check.
    const settled = known.has('first_message_of_day', firstKey) && known.has('streak_day', `${sender}:${day}`);
    if (!settled && (await mayEarn(sender)) && (await countsIn(message.conversationId, sender, now))) {
      const base = {
        userId: sender,
        conversationId: message.conversationId,
        messageId: message.id,
        causeMessageId: null,
      };
      awards.push({
        ...base,
        ruleId: 'first_message_of_day',
        eventKey: firstKey,
        points: POINTS_RULES.first_message_of_day.points,
        detail: {},
      });
      const yesterday = await storage.points.findByKey('streak_day', `${sender}:${previousDay(day)}`);
      const streak = yesterday && !yesterday.reversedById ? (yesterday.detail.streak ?? 1) + 1 : 1;
      awards.push({
        ...base,
        ruleId: 'streak_day',
        eventKey: `${sender}:${day}`,
        points: POINTS_RULES.streak_day.points,
        detail: { streak },
      });
    }
    const target = message.replyTo;
    const author = target?.senderId;
    if (target && author && author !== sender && (await mayEarn(author))) {
      if (await countsIn(message.conversationId, author, now))
        awards.push({
          userId: author,
          ruleId: 'reply_received',
          eventKey: `${target.id}:${sender}`,
          points: POINTS_RULES.reply_received.points,
          conversationId: message.conversationId,
          messageId: target.id,
          causeMessageId: message.id,
          detail: {},
        });
    }
    await grant(awards, now, announce);
  }

  /**
   * A message's detected language (translation detects it from the text): new languages earn
   * new_language (Polyglot). The language is derived from content, so it only counts where the
   * server may read content: never in an end-to-end encrypted conversation.
   */
  async function onMessageLanguage(
    m: { id: string; conversationId: string; senderId: string; language: string; createdAt: Date },
    announce = true,
  ): Promise<void> {
    const language = m.language.trim().toLowerCase();
    if (!/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/.test(language)) return;
    if (!(await deps.contentPolicy.mayRead(m.conversationId))) return;
    if (!(await mayEarn(m.senderId)) || !(await countsIn(m.conversationId, m.senderId, m.createdAt))) return;
    await grant(
      [
        {
          userId: m.senderId,
          ruleId: 'new_language',
          eventKey: `${m.senderId}:${language.split('-')[0]}`,
          points: POINTS_RULES.new_language.points,
          conversationId: m.conversationId,
          messageId: m.id,
          causeMessageId: null,
          detail: {},
        },
      ],
      m.createdAt,
      announce,
    );
  }

  /** `at`: when the reaction was made (the backfill replays old ones); default now. */
  async function onReactionAdded(
    e: { conversationId: string; messageId: string; userId: string; reactions: ReactionSummary[] },
    options: { at?: Date; announce?: boolean } = {},
  ): Promise<void> {
    const message = await storage.messages.findById(e.messageId);
    if (!message || message.deletedAt || message.kind === 'system') return;
    const author = message.senderId;
    if (e.userId === author || !(await mayEarn(author))) return;
    const now = options.at ?? clock.now();
    if (!(await countsIn(message.conversationId, author, now))) return;
    const base = {
      userId: author,
      conversationId: message.conversationId,
      messageId: message.id,
      causeMessageId: null,
    };
    const awards: Award[] = [
      {
        ...base,
        ruleId: 'reaction_received',
        eventKey: `${message.id}:${e.userId}`,
        points: POINTS_RULES.reaction_received.points,
        detail: {},
      },
    ];
    const conversation = await storage.conversations.findById(message.conversationId);
    const reactors = new Set(e.reactions.flatMap((r) => r.userIds).filter((id) => id !== author));
    if (conversation?.kind === 'channel' && reactors.size >= HELPFUL_REACTORS)
      awards.push({
        ...base,
        ruleId: 'helpful_message',
        eventKey: message.id,
        points: POINTS_RULES.helpful_message.points,
        detail: { reactors: reactors.size },
      });
    await grant(awards, now, options.announce ?? true);
  }

  /**
   * A message deleted for everyone within QUICK_DELETE_MS, or removed by someone other than its
   * sender (moderation), takes back what it earned: its own awards and those it caused (a reply).
   */
  async function onMessageDeleted(tombstone: MessageFact): Promise<void> {
    if (!tombstone.deletedAt) return;
    const quick = tombstone.deletedAt.getTime() - tombstone.createdAt.getTime() <= QUICK_DELETE_MS;
    const moderated =
      !quick && (await deletedBy(tombstone.conversationId, tombstone.id, tombstone)) !== tombstone.senderId;
    if (!quick && !moderated) return;
    const reason = quick ? 'message deleted within 10 minutes' : 'message removed by moderation';
    await reverseMessage(tombstone.id, reason, null);
  }

  /** Who deleted it, from the conversation's change feed (the fact itself does not say). */
  async function deletedBy(conversationId: string, messageId: string, tombstone: MessageFact): Promise<string | null> {
    const members = await storage.participants.listUserIds(conversationId);
    const viewer = tombstone.senderId && members.includes(tombstone.senderId) ? tombstone.senderId : members[0];
    if (!viewer) return null;
    const conversation = await storage.conversations.findById(conversationId);
    const after = Math.max(0, (conversation?.changeSeq ?? 0) - 200);
    const { items } = await storage.conversations.changesAfter(conversationId, after, { viewerId: viewer, limit: 200 });
    return items.findLast((c) => c.type === 'message.deleted' && c.entityId === messageId)?.actorId ?? null;
  }

  /** Reverses every award about `messageId`; returns how many. Rebuilds the users' streaks. */
  async function reverseMessage(messageId: string, reason: string, actorId: string | null): Promise<number> {
    const entries = await storage.points.entriesForMessage(messageId);
    const users = new Set<string>();
    let n = 0;
    for (const entry of entries) {
      if (entry.reversedById) continue;
      const out = await storage.points.reverse(entry.id, { reason, actorId, now: clock.now() });
      if (out.status === 'reversed') {
        n += 1;
        users.add(entry.userId);
      }
    }
    for (const userId of users) await rebuild(userId);
    return n;
  }

  /** Replaces a user's projections with what their ledger says (the repair and rebuild command). */
  async function rebuild(userId: string): Promise<void> {
    const entries: PointsEntryRecord[] = [];
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const page = await storage.points.userEntries(userId, { limit: 500, ...(after ? { after } : {}) });
      entries.push(...page);
      const last = page.at(-1);
      if (page.length < 500 || !last) break;
      after = { createdAt: last.createdAt, id: last.id };
    }
    const projection = projectLedger(userId, entries);
    // Achievements already earned stay earned (a badge is not taken away by a later reversal).
    const earned = await storage.points.listAchievements(userId);
    const have = new Set(projection.achievements.map((a) => `${a.achievementId}:${a.tier}`));
    for (const a of earned) if (!have.has(`${a.achievementId}:${a.tier}`)) projection.achievements.push(a);
    await storage.points.replaceProjection(projection);
  }

  /** Every user with a ledger: safe to run at any time and more than once. */
  async function rebuildAll(): Promise<number> {
    let afterUserId: string | undefined;
    let n = 0;
    for (;;) {
      const ids = await storage.points.usersWithEntries({ limit: 200, ...(afterUserId ? { afterUserId } : {}) });
      for (const id of ids) await rebuild(id);
      n += ids.length;
      afterUserId = ids.at(-1);
      if (ids.length < 200) return n;
    }
  }

  const guard =
    <A extends unknown[]>(what: string, fn: (...a: A) => Promise<unknown>) =>
    (...a: A): Promise<void> =>
      fn(...a).then(
        () => undefined,
        (err: unknown) => logger.error({ err }, `points: ${what} failed`),
      );

  return {
    onMessageCreated: guard('message:created', (m: MessageFact) => onMessageCreated(m)),
    onReactionAdded: guard('reaction:updated', (e: Parameters<typeof onReactionAdded>[0]) => onReactionAdded(e)),
    /** For translation, once it detects a message's language (content-gated inside). */
    onMessageLanguage: guard('language', (m: Parameters<typeof onMessageLanguage>[0]) => onMessageLanguage(m)),
    /** The same rules for past activity (backfill): errors propagate, no toasts. */
    replay: {
      language: (m: Parameters<typeof onMessageLanguage>[0]) => onMessageLanguage(m, false),
      message: (m: MessageFact) => onMessageCreated(m, false),
      reaction: (e: Parameters<typeof onReactionAdded>[0], at: Date) => onReactionAdded(e, { at, announce: false }),
      grant: (awards: Award[], now: Date, announce = false) => grant(awards, now, announce),
    },
    onMessageDeleted: guard('message:deleted', onMessageDeleted),
    reverseMessage,
    rebuild,
    rebuildAll,
    checkAchievements,
  };
}

export type PointsService = ReturnType<typeof createPointsService>;
