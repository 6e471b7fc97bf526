import {
  notificationFor,
  type OpenConversationMessage,
  openPathFor,
  type PushNotificationData,
  parsePush,
  type ShownNotification,
} from './push.view.ts';

/**
 * The parts of a service worker's global scope the push handlers use. The renderer's TypeScript
 * program has the DOM library, not the WebWorker one (they conflict), so the few types are here;
 * the handlers take them as parameters, which also lets tests run them with fakes.
 */
export type SwWindowClient = {
  url: string;
  focused: boolean;
  visibilityState: string;
  focus(): Promise<unknown>;
  postMessage(message: OpenConversationMessage): void;
};
export type SwScope = {
  origin: string;
  registration: {
    showNotification(title: string, options: NotificationOptions): Promise<void>;
    getNotifications(filter?: { tag?: string }): Promise<ShownNotification[]>;
  };
  clients: {
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<readonly SwWindowClient[]>;
    openWindow(url: string): Promise<unknown>;
  };
};

/**
 * A push arrived. Browsers require every push to show a notification (userVisibleOnly), so even a
 * payload we cannot read shows "New message" rather than nothing.
 */
export async function handlePush(scope: SwScope, text: string | null): Promise<void> {
  const payload = parsePush(text);
  if (!payload) {
    const fallback = notificationFor(
      {
        v: 1,
        id: 'unreadable',
        conversationId: 'charla',
        messageId: '',
        seq: 0,
        count: 1,
        lang: 'en',
        hidden: true,
      },
      undefined,
    );
    await scope.registration.showNotification(fallback.title, { ...fallback.options, data: null });
    return;
  }
  const [shown] = await scope.registration.getNotifications({ tag: payload.conversationId });
  const { title, options } = notificationFor(payload, shown);
  await scope.registration.showNotification(title, options);
}

/** A click: an open Charla window goes to the conversation; otherwise a new one opens there. */
export async function handleNotificationClick(scope: SwScope, data: unknown): Promise<void> {
  const path = openPathFor(data) ?? '/';
  const d = data as Partial<PushNotificationData> | null;
  const windows = (await scope.clients.matchAll({ type: 'window', includeUncontrolled: true })).filter((c) =>
    c.url.startsWith(scope.origin),
  );
  const target = windows.find((c) => c.focused) ?? windows.find((c) => c.visibilityState === 'visible') ?? windows[0];
  if (target && typeof d?.conversationId === 'string') {
    await target.focus();
    target.postMessage({
      type: 'charla:open',
      conversationId: d.conversationId,
      seq: typeof d.seq === 'number' ? d.seq : null,
      ...(typeof d.spaceId === 'string' ? { spaceId: d.spaceId } : {}),
    });
    return;
  }
  await scope.clients.openWindow(`${scope.origin}${path}`);
}
