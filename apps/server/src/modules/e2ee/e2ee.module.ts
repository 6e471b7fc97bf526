import { DEFAULT_SUITE, type SuiteName } from '@charla/e2ee';
import { E2EE_LIMITS } from '@charla/shared-types';
import express, { Router } from 'express';
import type { AppContext, AppModule } from '../../app-context.ts';
import type { MediaStore } from '../../storage/ports.ts';
import { everyoneMayChat, type Standing } from '../messaging/conversations.permissions.ts';
import type { Serial } from '../messaging/messages.publish.ts';
import type { Fanout } from '../realtime/realtime.fanout.ts';
import { createRateLimiter } from '../realtime/realtime.rate-limit.ts';
import { createE2eeBlobs } from './e2ee.blobs.ts';
import { createE2eeDelivery } from './e2ee.delivery.ts';
import { createE2eeDevices } from './e2ee.devices.ts';
import { createE2eeReports } from './e2ee.reports.ts';
import { e2eeRoutes } from './e2ee.routes.ts';

export type E2eeOptions = {
  /** Ciphersuites KeyPackages may use (default: the X25519 one); a post-quantum suite is added here. */
  suites?: readonly SuiteName[];
  keyPackagePool?: number;
};

export type E2eeDeps = Pick<AppContext, 'storage' | 'clock' | 'logger'> & {
  fanout: Fanout;
  serial: Serial;
  suites: readonly SuiteName[];
  keyPackagePool: number;
  rateLimitsDisabled: boolean;
  /** Account standing (ALLOW_UNVERIFIED_CHAT): the same posting rule as plain messages. */
  standing: Standing;
};

/** Base64 MLS blobs (a Welcome with the tree of a large group) exceed the API's 64 KB JSON limit. */
const BODY_LIMIT = `${Math.ceil((E2EE_LIMITS.welcomeBytes + E2EE_LIMITS.commitBytes) * 1.4 + 64 * 1024)}b`;

/**
 * End-to-end encryption: the MLS Delivery Service (devices, KeyPackages, commit ordering, Welcomes,
 * the ciphertext log). `router` is mounted on /api/v1 BEFORE the shared JSON parser (it has its own,
 * larger limit). Messaging's fan-out and per-conversation serial keep its events in changeSeq order.
 */
export function createE2eeModule(
  ctx: Pick<AppContext, 'storage' | 'clock' | 'logger' | 'config' | 'requireAuth' | 'events' | 'fanout'>,
  options: E2eeOptions & { serial: Serial; mediaStore: MediaStore; standing?: Standing },
) {
  const deps: E2eeDeps = {
    storage: ctx.storage,
    clock: ctx.clock,
    logger: ctx.logger,
    fanout: ctx.fanout,
    serial: options.serial,
    suites: options.suites ?? [DEFAULT_SUITE],
    keyPackagePool: options.keyPackagePool ?? E2EE_LIMITS.keyPackagePool,
    rateLimitsDisabled: ctx.config.rateLimitsDisabled,
    standing: options.standing ?? everyoneMayChat,
  };
  const devices = createE2eeDevices(deps, {
    // 20 at once, then one every 20 s: retries after lost races, never a drain of the pool.
    perDevice: createRateLimiter(20, 1 / 20),
    perClaimer: createRateLimiter(500, 500 / 3600),
  });
  const delivery = createE2eeDelivery(deps, devices);
  const blobs = createE2eeBlobs({
    ...deps,
    store: options.mediaStore,
    maxBytes: ctx.config.MEDIA_MAX_BYTES,
    uploads: createRateLimiter(30, 1),
  });
  const stop = ctx.events.on('session:revoked', ({ userId, sessionId }) => {
    devices
      .revokeSession(userId, sessionId)
      .catch((err: unknown) => ctx.logger.error({ err, sessionId }, 'revoking the session’s e2ee devices failed'));
  });

  // Mounted under /e2ee, which the API's shared 64 KB JSON parser leaves to this one (see app.ts).
  const router = Router();
  router.use(ctx.requireAuth, express.json({ limit: BODY_LIMIT }));
  router.use(e2eeRoutes({ devices, delivery, blobs, reports: createE2eeReports(deps) }));
  return {
    routers: [{ prefix: '/e2ee', router }],
    close: stop,
    devices,
    delivery,
  } satisfies AppModule & Record<string, unknown>;
}
