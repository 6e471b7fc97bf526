import type { AppContext, AppModule } from '../../app-context.ts';
import type { MediaStore } from '../../storage/ports.ts';
import type { SpaceStorages } from '../../storage/spaces/space-storages.ts';
import type { ModerationService } from '../moderation/moderation.service.ts';
import { spaceModerationRoutes } from './spaces.moderation.ts';
import { adminSpacesRoutes, spacesRoutes } from './spaces.routes.ts';
import { createSpacesService, type SpacesService } from './spaces.service.ts';

const PURGE_EVERY_MS = 60_000;
/** Retention runs every tenth purge tick. */
const RETENTION_EVERY = 10;

export type SpacesModule = AppModule & { service: SpacesService };

/** Spaces: the registry's REST side and the sweeper that removes deleted spaces after their grace period. */
export function createSpacesModule(
  ctx: AppContext,
  spaceStorages: SpaceStorages,
  mediaStore: MediaStore,
  moderation: ModerationService,
): SpacesModule {
  const service = createSpacesService({
    storage: ctx.storage,
    mediaStore,
    spaceStorages,
    clock: ctx.clock,
    fanout: ctx.fanout,
    logger: ctx.logger,
  });
  let timer: NodeJS.Timeout | undefined;
  let stopListening: (() => void) | undefined;
  return {
    service,
    routers: [
      { prefix: '/spaces', router: spacesRoutes(ctx, service, spaceStorages) },
      { prefix: '/spaces', router: spaceModerationRoutes(ctx, service, moderation) },
      { prefix: '/admin/spaces', router: adminSpacesRoutes(ctx, service) },
    ],
    start() {
      stopListening = ctx.events.on('user:deleted', ({ userId }) => {
        service.accountDeleted(userId).catch((err: unknown) => ctx.logger.warn({ err }, 'leaving spaces failed'));
      });
      let tick = 0;
      timer = setInterval(() => {
        service.purgeDue().catch((err: unknown) => ctx.logger.warn({ err }, 'space purge failed; will retry'));
        if (++tick % RETENTION_EVERY === 0)
          service
            .sweepRetention()
            .catch((err: unknown) => ctx.logger.warn({ err }, 'space retention sweep failed; will retry'));
      }, PURGE_EVERY_MS);
      timer.unref();
    },
    close() {
      stopListening?.();
      clearInterval(timer);
    },
  };
}
