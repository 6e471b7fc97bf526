import { notificationPaths, type PushPrefs, pushConfigSchema, pushSubscriptionSchema } from '@charla/shared-types';
import { z } from 'zod';
import type { ApiClient } from '../../api/client.ts';
import type { ClientSettings, WebPushPort } from '../../platform/platform.ts';
import type { Locale } from '../../ui/i18n.tsx';

/**
 * Web Push for this device, between the browser (service worker, PushManager) and the server (one
 * subscription per signed-in session). The switch is "on" only when both agree.
 */
export type PushDeviceState = 'unsupported' | 'unavailable' | 'denied' | 'off' | 'on';

/** The device's notification settings as the server applies them to its pushes. */
export const pushPrefsOf = (n: ClientSettings['notifications'], locale: Locale): PushPrefs => ({
  level: n.level,
  hideContent: n.hideContent,
  doNotDisturb: false,
  locale,
});

export async function readPushState(api: ApiClient, port: WebPushPort | undefined): Promise<PushDeviceState> {
  if (!port) return 'unsupported';
  const config = await api.get(notificationPaths.pushConfig, pushConfigSchema);
  if (!config.enabled) return 'unavailable';
  if (port.permission() === 'denied') return 'denied';
  const [server, browser] = await Promise.all([
    api.get(notificationPaths.pushSubscription, pushSubscriptionSchema.nullable()),
    port.current(),
  ]);
  return server && browser && server.endpoint === browser.endpoint ? 'on' : 'off';
}

/** Asks for permission (from the user's click), subscribes the browser and hands it to the server. */
export async function enablePush(api: ApiClient, port: WebPushPort, prefs: PushPrefs): Promise<void> {
  const config = await api.get(notificationPaths.pushConfig, pushConfigSchema);
  if (!config.enabled) throw new Error('push unavailable');
  const subscription = await port.subscribe(config.vapidPublicKey);
  await api.send('PUT', notificationPaths.pushSubscription, pushSubscriptionSchema, { ...subscription, prefs });
}

/** The settings changed while pushes are on: the server applies the new ones (no prompt). */
export async function updatePushPrefs(api: ApiClient, port: WebPushPort, prefs: PushPrefs): Promise<void> {
  const subscription = await port.current();
  if (!subscription) return;
  await api.send('PUT', notificationPaths.pushSubscription, pushSubscriptionSchema, { ...subscription, prefs });
}

export async function disablePush(api: ApiClient, port: WebPushPort): Promise<void> {
  await api.send('DELETE', notificationPaths.pushSubscription, z.unknown());
  await port.unsubscribe();
}
