import type { PushPayload } from '@charla/shared-types';
import type { Logger } from 'pino';
import type { Clock } from '../../app-context.ts';
import type { PushJobRecord, PushSubscriptionRecord, Storage } from '../../storage/ports.ts';
import { isHomeSpace, runInSpace } from '../../storage/spaces/space-scope.ts';
import type { UserActivity } from './notify.dispatch.ts';
import type { PushOutcome, PushSender } from './push.sender.ts';

export type PushWorkerOptions = {
  /** How long the push service keeps a push for an offline device, and how long we keep trying. */
  ttlSeconds: number;
  /** Backoff after a retryable failure: base * 2^(attempt-1), capped, ±20 % jitter. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Attempts before a push is given up. */
  maxAttempts: number;
  /** A claimed push is this worker's for this long: longer than any send can take (web-push times out at 10 s, the agent cuts at 12 s). */
  leaseMs: number;
  /** Pushes claimed per round, and sent at once. */
  batch: number;
  /** Idle check for pushes queued by other server processes. */
  pollMs: number;
};

export const defaultPushWorkerOptions: PushWorkerOptions = {
  ttlSeconds: 24 * 3600,
  backoffBaseMs: 2000,
  backoffMaxMs: 10 * 60_000,
  maxAttempts: 12,
  leaseMs: 15_000,
  batch: 16,
  pollMs: 5000,
};

export type PushStats = { sent: number; gone: number; retried: number; dropped: number; rejected: number };

type WorkerDeps = {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  send: PushSender;
  activity: UserActivity;
  options: PushWorkerOptions;
};

/** The delay before attempt `attempts + 1`, honouring a longer Retry-After. */
export function backoffMs(
  attempts: number,
  options: Pick<PushWorkerOptions, 'backoffBaseMs' | 'backoffMaxMs'>,
  retryAfter: number | null,
  random = Math.random,
): number {
  const exp = Math.min(options.backoffMaxMs, options.backoffBaseMs * 2 ** Math.max(0, attempts - 1));
  const jittered = Math.round(exp * (0.8 + 0.4 * random()));
  return Math.max(jittered, retryAfter ?? 0);
}

/**
 * The pushed message's deletion state, or null when it does not exist. Encrypted messages live in
 * the e2ee store (ciphertext, never deleted by the server); plain ones in messages.
 */
async function pushedMessage(storage: Storage, id: string): Promise<{ deletedAt: Date | null } | null> {
  const plain = await storage.messages.findById(id);
  if (plain) return plain;
  const [encrypted] = await storage.e2ee.findMessages([id]);
  return encrypted?.kind === 'application' ? { deletedAt: null } : null;
}

/** Why this push should not go out any more, or null (and the subscription it goes to). */
async function stale(
  deps: WorkerDeps,
  job: PushJobRecord,
): Promise<{ reason: string } | { sub: PushSubscriptionRecord; deleted: boolean }> {
  const { storage, clock, options } = deps;
  const now = clock.now();
  if (now.getTime() - job.createdAt.getTime() > options.ttlSeconds * 1000) return { reason: 'expired' };
  const sub = await storage.pushSubscriptions.findById(job.subscriptionId);
  if (!sub) return { reason: 'unsubscribed' };
  const session = await storage.sessions.findById(sub.sessionId);
  if (!session || session.revokedAt || session.expiresAt <= now) {
    // Signed out where no event reached this process (another node, a crash): the device is gone.
    await storage.pushSubscriptions.deleteById(sub.id);
    return { reason: 'session ended' };
  }
  if (sub.prefs.level === 'none' || sub.prefs.doNotDisturb) return { reason: 'notifications off now' };
  const [participant, message, active] = await Promise.all([
    storage.participants.find(job.conversationId, job.userId),
    pushedMessage(storage, job.messageId),
    deps.activity([job.userId]),
  ]);
  if (!participant || participant.leftAt) return { reason: 'not a member' };
  if (participant.lastReadSeq >= job.seq) return { reason: 'read elsewhere' };
  if (!message || (message.deletedAt && job.count === 1)) return { reason: 'deleted' };
  if (active.has(job.userId)) return { reason: 'user came online' };
  return { sub, deleted: message.deletedAt !== null };
}

function payloadOf(job: PushJobRecord, sub: PushSubscriptionRecord, deleted: boolean): PushPayload {
  const base = {
    v: 1 as const,
    id: job.id,
    ...(isHomeSpace(job.spaceId) ? {} : { spaceId: job.spaceId }),
    conversationId: job.conversationId,
    messageId: job.messageId,
    seq: job.seq,
    count: job.count,
    lang: sub.prefs.locale,
  };
  // The device may have chosen "hide content" since the push was queued.
  if (job.content.hidden || sub.prefs.hideContent || deleted) return { ...base, hidden: true };
  const { title, body, mentioned } = job.content;
  return { ...base, hidden: false, title, body, mentioned };
}

/** Completes, retries (with backoff) or drops a push by the push service's answer. */
async function settle(
  deps: WorkerDeps & { stats: PushStats; wake(at: number): void },
  job: PushJobRecord,
  sub: PushSubscriptionRecord,
  outcome: PushOutcome,
): Promise<void> {
  const { storage, clock, logger, options, stats, wake } = deps;
  const lease = job.leaseUntil ?? clock.now();
  const log = { jobId: job.id, subscriptionId: sub.id, attempts: job.attempts };
  switch (outcome.kind) {
    case 'sent':
      stats.sent += 1;
      await storage.pushQueue.complete(job.id, lease);
      return;
    case 'gone':
      stats.gone += 1;
      logger.info({ ...log, status: outcome.status }, 'push subscription gone: removed');
      await storage.pushSubscriptions.deleteById(sub.id);
      return;
    case 'rejected':
      stats.rejected += 1;
      logger.warn({ ...log, status: outcome.status, error: outcome.error }, 'push rejected: dropped');
      await storage.pushQueue.complete(job.id, lease);
      return;
    case 'retry': {
      if (job.attempts >= options.maxAttempts) {
        stats.dropped += 1;
        logger.warn({ ...log, error: outcome.error }, 'push given up after too many attempts');
        await storage.pushQueue.complete(job.id, lease);
        return;
      }
      stats.retried += 1;
      const delay = backoffMs(job.attempts, options, outcome.retryAfterMs);
      logger.info({ ...log, status: outcome.status, error: outcome.error, delay }, 'push will be retried');
      await storage.pushQueue.retry(job.id, lease, new Date(clock.now().getTime() + delay), outcome.error);
      wake(clock.now().getTime() + delay);
    }
  }
}

/**
 * Sends the durable push queue. Each round leases due pushes (pushes whose worker died come back
 * when their lease ends), checks they still matter (subscription and session alive, still a member,
 * not read on another device, not deleted, no device online now), sends them, and completes, retries
 * with backoff, or drops them by the push service's answer. Several server processes may run one
 * each: the storage's leases keep a push with one worker at a time.
 */
export function createPushWorker(deps: WorkerDeps) {
  const { storage, clock, logger, options } = deps;
  const stats: PushStats = { sent: 0, gone: 0, retried: 0, dropped: 0, rejected: 0 };
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Number.POSITIVE_INFINITY;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = true;

  async function deliver(job: PushJobRecord): Promise<void> {
    try {
      // Membership, read state and the message are the space's: look at them in its database.
      const space = isHomeSpace(job.spaceId) ? null : await storage.spaces.findById(job.spaceId);
      const check =
        !isHomeSpace(job.spaceId) && !space
          ? { reason: 'space deleted' }
          : await runInSpace({ spaceId: job.spaceId, space }, () => stale(deps, job));
      if ('reason' in check) {
        stats.dropped += 1;
        logger.debug({ jobId: job.id, reason: check.reason }, 'push dropped');
        await storage.pushQueue.complete(job.id, job.leaseUntil ?? clock.now());
        return;
      }
      const payload = payloadOf(job, check.sub, check.deleted);
      const outcome = await deps.send(check.sub, {
        payload,
        ttlSeconds: options.ttlSeconds,
        urgency: job.urgency,
        topicKey: `${job.conversationId}`,
      });
      await settle({ ...deps, stats, wake }, job, check.sub, outcome);
    } catch (err) {
      // Storage trouble: the lease runs out and the push is claimed again.
      logger.error({ err, jobId: job.id }, 'push delivery failed');
    }
  }

  async function round(): Promise<void> {
    for (;;) {
      const jobs = await storage.pushQueue.claimDue(clock.now(), options.leaseMs, options.batch);
      await Promise.all(jobs.map(deliver));
      if (jobs.length < options.batch || stopped) return;
    }
  }

  function run(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    timer = undefined;
    timerAt = Number.POSITIVE_INFINITY;
    running = (async () => {
      do {
        again = false;
        try {
          await round();
        } catch (err) {
          logger.error({ err }, 'push queue round failed');
        }
      } while (again && !stopped);
      const next = await storage.pushQueue.nextDue().catch(() => null);
      running = null;
      wake(next ? next.getTime() : clock.now().getTime() + options.pollMs);
    })();
  }

  /** Runs a round at `at` (clock time) or sooner, and at least every pollMs. */
  function wake(at: number): void {
    if (stopped) return;
    const delay = Math.min(Math.max(0, at - clock.now().getTime()), options.pollMs);
    const fireAt = Date.now() + delay;
    if (running) {
      if (delay === 0) again = true;
      return;
    }
    if (timer && timerAt <= fireAt) return;
    clearTimeout(timer);
    timerAt = fireAt;
    timer = setTimeout(run, delay);
    timer.unref();
  }

  return {
    start(): void {
      if (!stopped) return;
      stopped = false;
      wake(clock.now().getTime());
    },
    wake: (at: Date) => wake(at.getTime()),
    /** Runs rounds until nothing is due now (tests). */
    async drain(): Promise<void> {
      while (running) await running;
      await round();
    },
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
      while (running) await running;
    },
    stats: () => ({ ...stats }),
  };
}

export type PushWorker = ReturnType<typeof createPushWorker>;
