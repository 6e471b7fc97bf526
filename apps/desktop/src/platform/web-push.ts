import { isOpenConversationMessage } from '../sw/push.view.ts';
import type { BrowserPushSubscription, WebPushPort } from './platform.ts';

/** The user (or the browser's settings) said no to notifications. */
export class PushPermissionDenied extends Error {
  constructor() {
    super('Notifications are blocked');
    this.name = 'PushPermissionDenied';
  }
}

/**
 * The Vite dev server (it alone has import.meta.hot) serves the worker's source as a module; every
 * build, development builds included, has it as one classic script at /sw.js.
 */
const devServer = Boolean(import.meta.hot);
const workerUrl = devServer ? '/src/sw/push.sw.ts' : '/sw.js';
const workerType: WorkerType = devServer ? 'module' : 'classic';

const toJson = (s: PushSubscription): BrowserPushSubscription => {
  const json = s.toJSON();
  return { endpoint: s.endpoint, keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' } };
};

const keyBytes = (base64url: string): Uint8Array<ArrayBuffer> => {
  const b64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i += 1) out[i] = raw.charCodeAt(i);
  return out;
};

const sameKey = (a: ArrayBuffer | null, b: Uint8Array): boolean => {
  if (!a || a.byteLength !== b.length) return false;
  const x = new Uint8Array(a);
  return x.every((v, i) => v === b[i]);
};

/**
 * Web Push in this browser: the service worker registration and the PushManager subscription. Only
 * where the browser has them (and never in Electron, whose pages cannot reach a push service).
 */
export function createWebPushPort(
  onOpen: (conversationId: string, seq: number | null, spaceId?: string) => void,
): WebPushPort | null {
  if (
    typeof navigator === 'undefined' ||
    !('serviceWorker' in navigator) ||
    typeof PushManager === 'undefined' ||
    typeof Notification === 'undefined'
  )
    return null;
  const container = navigator.serviceWorker;
  // A click on a notification while a Charla tab is open: the worker asks the tab to go there.
  container.addEventListener('message', (e: MessageEvent) => {
    if (isOpenConversationMessage(e.data)) onOpen(e.data.conversationId, e.data.seq, e.data.spaceId);
  });
  const registration = () => container.register(workerUrl, { scope: '/', type: workerType });
  const existing = async () => (await container.getRegistration('/'))?.pushManager.getSubscription() ?? null;
  return {
    permission: () => Notification.permission,
    async current() {
      const s = await existing();
      return s ? toJson(s) : null;
    },
    async subscribe(vapidPublicKey) {
      const permission =
        Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
      if (permission !== 'granted') throw new PushPermissionDenied();
      await registration();
      const reg = await container.ready;
      const applicationServerKey = keyBytes(vapidPublicKey);
      const old = await reg.pushManager.getSubscription();
      // A subscription made for another server key (the server's keys changed) cannot be reused.
      if (old && !sameKey(old.options.applicationServerKey, applicationServerKey)) await old.unsubscribe();
      const s = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey });
      return toJson(s);
    },
    async unsubscribe() {
      await (await existing())?.unsubscribe();
    },
  };
}
