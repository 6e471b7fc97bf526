/**
 * Charla's service worker: Web Push only (no caching; the app is online-first). Built on its own
 * into dist/sw.js (vite.sw.config.ts) so it is one classic script at the site's root scope.
 */
import { handleNotificationClick, handlePush, type SwScope } from './push.handlers.ts';

type ExtendableEvent = Event & { waitUntil(p: Promise<unknown>): void };
type PushEvent = ExtendableEvent & { data: { text(): string } | null };
type NotificationEvent = ExtendableEvent & { notification: Notification };
type Worker = SwScope & {
  skipWaiting(): Promise<void>;
  clients: SwScope['clients'] & { claim(): Promise<void> };
  addEventListener(type: 'install' | 'activate', listener: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'push', listener: (e: PushEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (e: NotificationEvent) => void): void;
};

const sw = self as unknown as Worker;
const scope: SwScope = {
  origin: self.location.origin,
  registration: sw.registration,
  clients: sw.clients,
};

sw.addEventListener('install', (e) => e.waitUntil(sw.skipWaiting()));
sw.addEventListener('activate', (e) => e.waitUntil(sw.clients.claim()));
sw.addEventListener('push', (e) => {
  e.waitUntil(handlePush(scope, e.data?.text() ?? null));
});
sw.addEventListener('notificationclick', (e) => {
  e.notification.close();
  e.waitUntil(handleNotificationClick(scope, e.notification.data));
});
