import { type PushServiceStandIn, type StandInTls, startPushServiceStandIn } from '@charla/test-utils/push-service';
import { startTestApp, type TestApp } from './harness.ts';

/**
 * The app pushing to a local push-service stand-in: private hosts allowed and the stand-in's CA
 * trusted, with timers short enough for tests (coalescing 300 ms, retries backing off 100–400 ms
 * unless told otherwise); and the stand-in, which knows the app's VAPID key.
 */
export async function startPushApp(
  tls: StandInTls,
  timing: { coalesceMs?: number; backoffMaxMs?: number } = {},
): Promise<{ t: TestApp; standIn: PushServiceStandIn }> {
  const t = await startTestApp({
    env: { CHARLA_PUSH_ALLOW_PRIVATE_HOSTS: '1' },
    deps: {
      notifications: {
        pushCa: tls.cert,
        dispatch: { coalesceMs: timing.coalesceMs ?? 300 },
        worker: { backoffBaseMs: 100, backoffMaxMs: timing.backoffMaxMs ?? 400, pollMs: 200 },
      },
    },
  });
  const standIn = await startPushServiceStandIn({ tls, vapidPublicKey: t.charla.notifications.vapidPublicKey });
  return { t, standIn };
}
