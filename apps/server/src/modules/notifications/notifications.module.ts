import type https from 'node:https';
import type { AppContext, AppModule } from '../../app-context.ts';
import { createDigestService, type DigestOptions, type DigestService, defaultDigestOptions } from './digest.service.ts';
import { notificationsRoutes } from './notifications.routes.ts';
import { createDispatcher, type DispatchOptions, type UserActivity } from './notify.dispatch.ts';
import { createPushAgent } from './push.endpoint.ts';
import { resolveVapidKeys } from './push.keys.ts';
import { createWebPushSender, type PushSender } from './push.sender.ts';
import { createPushWorker, defaultPushWorkerOptions, type PushWorker, type PushWorkerOptions } from './push.worker.ts';

export type NotificationsOptions = {
  /** Replaces the web-push sender (tests that script the push service's answers). */
  sender?: PushSender;
  /** Extra CA certificate for push services (tests: the stand-in's self-signed one). */
  pushCa?: string;
  /** Agent for pushes (default: public addresses only, hard deadline). */
  agent?: https.Agent;
  dispatch?: Partial<DispatchOptions>;
  worker?: Partial<PushWorkerOptions>;
  digest?: Partial<DigestOptions>;
};

/**
 * Notifications that reach people when Charla is not open: Web Push to subscribed devices and the
 * email digest of missed messages. It listens to the facts messaging publishes (a message was
 * created, plain or encrypted; someone read up to a seq) and to account events (a session ended, an account went).
 */
export function createNotificationsModule(
  ctx: Pick<AppContext, 'config' | 'storage' | 'logger' | 'clock' | 'mailer' | 'events' | 'requireAuth' | 'fanout'>,
  deps: { activity: UserActivity },
  options: NotificationsOptions = {},
): AppModule & { vapidPublicKey: string; worker: PushWorker; digest: DigestService } {
  const { config, storage, logger, clock } = ctx;
  const keys = resolveVapidKeys(config);
  if (keys.source === 'generated')
    logger.info({ file: 'DATA_DIR/vapid.json' }, 'generated a Web Push (VAPID) key pair');
  const agent =
    options.agent ??
    createPushAgent({ allowPrivate: config.pushAllowPrivateHosts, ...(options.pushCa ? { ca: options.pushCa } : {}) });
  const send = options.sender ?? createWebPushSender(keys, agent);
  const worker = createPushWorker({
    storage,
    clock,
    logger,
    send,
    activity: deps.activity,
    options: { ...defaultPushWorkerOptions, ...options.worker },
  });
  const dispatcher = createDispatcher({
    storage,
    clock,
    logger,
    activity: deps.activity,
    options: { coalesceMs: 1500, ...options.dispatch },
    queued: (dueAt) => worker.wake(dueAt),
  });
  const digest = createDigestService({
    storage,
    clock,
    logger,
    mailer: ctx.mailer,
    publicUrl: config.publicUrl,
    activity: deps.activity,
    options: { ...defaultDigestOptions, ...options.digest },
  });

  const background = (what: string) => (err: unknown) => logger.warn({ err }, `notifications: ${what} failed`);
  let unsubscribe: (() => void)[] = [];
  const listen = () => [
    ctx.fanout.observe('message:created', (memberIds, event) => {
      dispatcher.messageCreated(memberIds, event.message).catch(background('push dispatch'));
    }),
    // Encrypted messages travel as e2ee:message (ciphertext): pushed as ids only, never words.
    ctx.fanout.observe('e2ee:message', (memberIds, event) => {
      dispatcher.encryptedMessageCreated(memberIds, event.message).catch(background('encrypted push dispatch'));
    }),
    ctx.fanout.observe('receipt:updated', (_members, receipt) => {
      dispatcher.read(receipt.userId, receipt.conversationId, receipt.lastReadSeq).catch(background('read cancel'));
    }),
    // Signing out (or a revoked session) ends that device's pushes; a deleted account ends all.
    ctx.events.on('session:revoked', ({ sessionId }) => {
      storage.pushSubscriptions.deleteBySession(sessionId).catch(background('unsubscribe on sign-out'));
    }),
    ctx.events.on('user:deleted', ({ userId }) => {
      Promise.all([
        storage.pushSubscriptions.deleteByUser(userId),
        storage.emailDigest.disable(userId, clock.now()),
      ]).catch(background('cleanup of a deleted account'));
    }),
  ];

  const router = notificationsRoutes({
    requireAuth: ctx.requireAuth,
    storage,
    clock,
    push: { enabled: true, vapidPublicKey: keys.publicKey },
    allowPrivateHosts: config.pushAllowPrivateHosts,
    digest,
  });

  return {
    routers: [{ prefix: '/notifications', router }],
    vapidPublicKey: keys.publicKey,
    worker,
    digest,
    start(): void {
      unsubscribe = listen();
      worker.start();
      digest.start();
    },
    async close(): Promise<void> {
      for (const off of unsubscribe) off();
      unsubscribe = [];
      await worker.stop();
      await digest.stop();
    },
  };
}

export type NotificationsModule = ReturnType<typeof createNotificationsModule>;
