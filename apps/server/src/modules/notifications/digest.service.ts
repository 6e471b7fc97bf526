import { createHash, randomBytes } from 'node:crypto';
import { DIGEST_DELAY_MINUTES, type EmailDigestSettings, notificationPaths, truncateBody } from '@charla/shared-types';
import type { Logger } from 'pino';
import type { Clock } from '../../app-context.ts';
import { AppError } from '../../http/errors.ts';
import type { Mailer } from '../../mail/mailer.ts';
import type { MissedMessageRecord, Storage } from '../../storage/ports.ts';
import { isHomeSpace, runInSpace } from '../../storage/spaces/space-scope.ts';
import { createContentPolicy } from '../messaging/content-policy.ts';
import { type DigestConversation, digestMail } from './digest.mail.ts';
import type { UserActivity } from './notify.dispatch.ts';

export type DigestOptions = {
  /** At most one digest per user in this long. */
  minGapMs: number;
  /** How often due digests are looked for. */
  checkEveryMs: number;
  /** Unsubscribe links work this long. */
  tokenTtlMs: number;
};

export const defaultDigestOptions: DigestOptions = {
  minGapMs: 3_600_000,
  checkEveryMs: 60_000,
  tokenTtlMs: 60 * 86_400_000,
};

export const DEFAULT_DIGEST_SETTINGS: EmailDigestSettings = {
  enabled: false,
  delayMinutes: DIGEST_DELAY_MINUTES.default,
  hideContent: false,
  locale: 'en',
};

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * The opt-in email of missed messages: direct messages and mentions that stayed unread for the
 * user's delay while no device of theirs was online, at most one mail per hour, each with a
 * single-use unsubscribe link. Only to verified addresses. Content follows the same rules as pushes:
 * none when the user hides it, none from conversations the server may not read.
 */
export function createDigestService(deps: {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  mailer: Mailer;
  publicUrl: string;
  activity: UserActivity;
  options: DigestOptions;
}) {
  const { storage, clock, logger, options } = deps;
  const policy = createContentPolicy(storage);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | null = null;

  async function settings(userId: string): Promise<EmailDigestSettings> {
    const s = await storage.emailDigest.findSettings(userId);
    if (!s) return DEFAULT_DIGEST_SETTINGS;
    return { enabled: s.enabled, delayMinutes: s.delayMinutes, hideContent: s.hideContent, locale: s.locale };
  }

  async function update(userId: string, patch: Partial<EmailDigestSettings>): Promise<EmailDigestSettings> {
    const next = { ...(await settings(userId)), ...patch };
    if (patch.enabled) {
      const user = await storage.users.findById(userId);
      if (!user?.emailVerifiedAt)
        throw new AppError(409, 'conflict', 'Confirm your email address first: digests go to verified addresses only');
    }
    const saved = await storage.emailDigest.saveSettings(userId, next, clock.now());
    return {
      enabled: saved.enabled,
      delayMinutes: saved.delayMinutes,
      hideContent: saved.hideContent,
      locale: saved.locale,
    };
  }

  async function unsubscribe(token: string): Promise<void> {
    const now = clock.now();
    const userId = await storage.emailDigest.consumeUnsubscribeToken(hashToken(token), now);
    if (!userId) throw new AppError(404, 'not_found', 'This unsubscribe link was already used or has expired');
    await storage.emailDigest.disable(userId, now);
  }

  /** The missed messages still worth mentioning, grouped by conversation (newest conversation first). */
  async function compose(userId: string, missed: MissedMessageRecord[], hideContent: boolean) {
    const bySpace = new Map<string, MissedMessageRecord[]>();
    for (const m of missed) bySpace.set(m.spaceId, [...(bySpace.get(m.spaceId) ?? []), m]);
    const out: (DigestConversation & { conversationId: string; latest: number })[] = [];
    // Each space's conversations are read in that space's database; a deleted space has nothing left.
    for (const [spaceId, inSpace] of bySpace) {
      const space = isHomeSpace(spaceId) ? null : await storage.spaces.findById(spaceId);
      if (!isHomeSpace(spaceId) && !space) continue;
      out.push(...(await runInSpace({ spaceId, space }, () => composeIn(userId, inSpace, hideContent))));
    }
    return out.sort((a, b) => b.latest - a.latest);
  }

  async function composeIn(userId: string, missed: MissedMessageRecord[], hideContent: boolean) {
    const byConversation = new Map<string, MissedMessageRecord[]>();
    for (const m of missed) byConversation.set(m.conversationId, [...(byConversation.get(m.conversationId) ?? []), m]);
    const readable = await policy.readable(byConversation.keys());
    const out: (DigestConversation & { conversationId: string; latest: number })[] = [];
    for (const [conversationId, entries] of byConversation) {
      const item = await storage.conversations.getForUser(conversationId, userId);
      if (!item) continue;
      const unread = entries.filter((e) => e.seq > item.me.lastReadSeq);
      if (!unread.length) continue;
      const messages = await storage.messages.findByIds(unread.map((e) => e.messageId));
      const live = messages.filter((m) => !m.deletedAt).sort((a, b) => b.seq - a.seq);
      if (!live.length) continue;
      const name = item.conversation.kind === 'direct' ? await peerName(item.conversation.directKey, userId) : null;
      const lines: string[] = [];
      if (!hideContent && readable.has(conversationId)) {
        const senders = new Map(
          (await storage.users.findByIds([...new Set(live.map((m) => m.senderId))])).map((u) => [u.id, u.displayName]),
        );
        for (const m of live.slice(0, 3)) {
          const text = m.text.trim() || (m.attachments.length ? '📎' : '');
          lines.push(truncateBody(`${senders.get(m.senderId) ?? 'Charla'}: ${text}`));
        }
      }
      out.push({
        conversationId,
        name: name ?? item.conversation.title ?? 'Charla',
        count: live.length,
        mentions: unread.filter((e) => e.mention && live.some((m) => m.id === e.messageId)).length,
        lines,
        latest: Math.max(...live.map((m) => m.createdAt.getTime())),
      });
    }
    return out;
  }

  async function peerName(directKey: string | null, userId: string): Promise<string | null> {
    const peerId = directKey?.split(':').find((id) => id !== userId);
    return peerId ? ((await storage.users.findById(peerId))?.displayName ?? null) : null;
  }

  /** One user's digest, if it is still due; true when a mail went out. */
  async function sendOne(userId: string): Promise<boolean> {
    const now = clock.now();
    const [s, user, active] = await Promise.all([
      storage.emailDigest.findSettings(userId),
      storage.users.findById(userId),
      deps.activity([userId]),
    ]);
    if (!s?.enabled || !user || user.deletedAt || user.suspendedAt || !user.emailVerifiedAt) {
      await storage.emailDigest.clearUntil(userId, now);
      return false;
    }
    // Online now: they will see the messages themselves; look again next round.
    if (active.has(userId)) return false;
    const missed = await storage.emailDigest.listMissed(userId);
    const conversations = await compose(userId, missed, s.hideContent);
    if (!conversations.length) {
      await storage.emailDigest.clearUntil(userId, now);
      return false;
    }
    if (!(await storage.emailDigest.claimSend(userId, s.lastSentAt, now))) return false;
    const token = randomBytes(32).toString('base64url');
    try {
      await storage.emailDigest.createUnsubscribeToken(
        userId,
        hashToken(token),
        new Date(now.getTime() + options.tokenTtlMs),
        now,
      );
      const base = deps.publicUrl.replace(/\/$/, '');
      const newest = conversations[0];
      await deps.mailer.send(
        digestMail({
          to: user.email,
          locale: s.locale,
          hideContent: s.hideContent,
          conversations,
          openUrl: newest ? `${base}/#/c/${encodeURIComponent(newest.conversationId)}` : `${base}/`,
          unsubscribeUrl: `${base}/unsubscribe?token=${encodeURIComponent(token)}`,
          oneClickUrl: `${base}/api/v1${notificationPaths.emailUnsubscribe}?token=${encodeURIComponent(token)}`,
        }),
      );
    } catch (err) {
      // Not sent: give the claim back so the next round tries again.
      await storage.emailDigest.claimSend(userId, now, s.lastSentAt).catch(() => false);
      throw err;
    }
    await storage.emailDigest.clearUntil(userId, now);
    logger.info({ userId, conversations: conversations.length }, 'missed-messages digest sent');
    return true;
  }

  /** One pass over the due users; returns how many mails went out. */
  async function runOnce(): Promise<number> {
    if (running) return running;
    running = (async () => {
      let sent = 0;
      const due = await storage.emailDigest.dueUsers(clock.now(), options.minGapMs, 100);
      for (const userId of due) {
        try {
          if (await sendOne(userId)) sent += 1;
        } catch (err) {
          logger.warn({ err, userId }, 'digest not sent');
        }
      }
      return sent;
    })().finally(() => {
      running = null;
    });
    return running;
  }

  return {
    settings,
    update,
    unsubscribe,
    runOnce,
    start(): void {
      if (timer) return;
      timer = setInterval(() => {
        runOnce().catch((err: unknown) => logger.warn({ err }, 'digest round failed'));
      }, options.checkEveryMs);
      timer.unref();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      timer = undefined;
      if (running) await running.catch(() => 0);
    },
  };
}

export type DigestService = ReturnType<typeof createDigestService>;
