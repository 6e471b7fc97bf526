import type { AppContext, AppModule } from '../../app-context.ts';
import { createRequireAdmin } from '../../http/require-admin.ts';
import { createContentPolicy } from '../messaging/content-policy.ts';
import type { MessageContentEvents } from '../messaging/messages.content-events.ts';
import { createInviteStays } from './points.invites.ts';
import { listenForPoints } from './points.listener.ts';
import { createPointsQueries } from './points.queries.ts';
import { adminPointsRoutes, pointsRoutes } from './points.routes.ts';
import { createPointsService } from './points.service.ts';

const DUE_CHECK_INTERVAL_MS = 10 * 60_000;

/**
 * Points, levels and achievements: awards from the facts messaging publishes (never from message
 * content), REST under /points and /admin/points, and the `points:achievement` toast.
 */
export function createPointsModule(
  ctx: Pick<AppContext, 'config' | 'storage' | 'clock' | 'logger' | 'requireAuth' | 'fanout'>,
  deps: { contentEvents?: Pick<MessageContentEvents, 'on'> } = {},
) {
  const { storage, clock, logger, config, fanout } = ctx;
  const service = createPointsService({
    storage,
    contentPolicy: createContentPolicy(storage),
    clock,
    logger,
    fanout,
    directMinAccountAgeMs: config.POINTS_DIRECT_MIN_ACCOUNT_AGE_HOURS * 3_600_000,
  });
  const queries = createPointsQueries({ storage, clock });
  const invites = createInviteStays({ storage, clock, points: service });
  const listener = listenForPoints(
    fanout,
    service,
    async (conversationId, userId, changeSeq) => {
      try {
        await invites.onJoined(conversationId, userId, changeSeq);
      } catch (err) {
        logger.error({ err }, 'points: invite join check failed');
      }
    },
    deps.contentEvents,
  );
  let timer: ReturnType<typeof setInterval> | undefined;
  const { requireAuth } = ctx;
  const routers = [
    { prefix: '/points' as const, router: pointsRoutes({ requireAuth, storage, queries }) },
    {
      prefix: '/admin/points' as const,
      router: adminPointsRoutes({
        requireAuth,
        requireAdmin: createRequireAdmin(ctx),
        storage,
        clock,
        queries,
        points: service,
      }),
    },
  ];

  return {
    routers,
    service,
    /** Due "invited member stayed 7 days" checks (every process runs them; each check is taken once). */
    runDueChecks: () => invites.runDue(),
    start(): void {
      timer = setInterval(() => {
        invites.runDue().catch((err: unknown) => logger.error({ err }, 'points: due checks failed'));
      }, DUE_CHECK_INTERVAL_MS);
      timer.unref();
    },
    /** Resolves when the awards for facts published so far are written (tests, shutdown). */
    settled: () => listener.settled(),
    async close(): Promise<void> {
      clearInterval(timer);
      listener.stop();
      await listener.settled();
    },
  } satisfies AppModule & Record<string, unknown>;
}

export type PointsModule = ReturnType<typeof createPointsModule>;
