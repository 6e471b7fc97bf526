/**
 * What the preload exposes as `window.desktop`: one small typed object, one method per IPC channel,
 * no generic send. The object is derived from the IPC contract: `bridgeLayout` places each contract
 * channel at `namespace.method` (the compiler refuses a channel without a place, or a place without
 * a channel), `DesktopBridge` is computed from it, and the preload builds it with `buildBridge`.
 * Methods resolve to an IpcResponse (errors do not survive contextBridge intact); src/platform/electron.ts
 * unwraps them. Type-only imports: the sandboxed preload bundles this file and nothing of zod.
 */
import type {
  EventChannel,
  EventPayload,
  InvokeArgs,
  InvokeChannel,
  InvokeResult,
  IpcResponse,
} from './ipc-contract.ts';

export type BridgeCall<C extends InvokeChannel> = (args: InvokeArgs<C>) => Promise<IpcResponse<InvokeResult<C>>>;
export type BridgeListen<E extends EventChannel> = (handler: (payload: EventPayload<E>) => void) => () => void;

type Place = `${string}.${string}`;

/** Where each channel appears on `window.desktop`. */
export const bridgeLayout = {
  invoke: {
    'session:login': 'session.login',
    'session:complete-registration': 'session.completeRegistration',
    'session:restore': 'session.restore',
    'session:oidc': 'session.signInWithProvider',
    'session:get-token': 'session.getToken',
    'session:logout': 'session.logout',
    'settings:get': 'settings.get',
    'settings:update': 'settings.update',
    'notification:show': 'notifications.show',
    'conversation:focus': 'notifications.focusConversation',
    'badge:set': 'badge.set',
    'shell:open-external': 'shell.openExternal',
    'shell:share': 'shell.share',
    'deep-link:take-pending': 'deepLinks.takePending',
    'update:install': 'updates.install',
    'app:get-info': 'app.getInfo',
    'encryption:store-key': 'e2ee.storeKey',
    'encryption:forget-store-key': 'e2ee.forgetStoreKey',
    'tray:set-recent': 'tray.setRecent',
  },
  events: {
    'settings:changed': 'settings.onChanged',
    'notification:clicked': 'notifications.onClicked',
    'notification:reply': 'notifications.onReply',
    'system:away': 'system.onAway',
    'deep-link:received': 'deepLinks.onReceived',
    'update:ready': 'updates.onReady',
  },
} as const satisfies { invoke: Record<InvokeChannel, Place>; events: Record<EventChannel, Place> };

type Layout = typeof bridgeLayout;
type NamespaceOf<P> = P extends `${infer N}.${string}` ? N : never;
type MethodOf<P> = P extends `${string}.${infer M}` ? M : never;
type Namespace = NamespaceOf<Layout['invoke'][InvokeChannel] | Layout['events'][EventChannel]>;

export type DesktopPlatform = 'darwin' | 'win32' | 'linux' | 'other';

export type DesktopBridge = { readonly platform: DesktopPlatform } & {
  readonly [N in Namespace]: {
    readonly [C in InvokeChannel as NamespaceOf<Layout['invoke'][C]> extends N
      ? MethodOf<Layout['invoke'][C]>
      : never]: BridgeCall<C>;
  } & {
    readonly [E in EventChannel as NamespaceOf<Layout['events'][E]> extends N
      ? MethodOf<Layout['events'][E]>
      : never]: BridgeListen<E>;
  };
};

/** Builds `window.desktop` from the layout with the preload's two primitives (ipcRenderer invoke / on). */
export function buildBridge(
  platform: DesktopPlatform,
  call: <C extends InvokeChannel>(channel: C) => BridgeCall<C>,
  listen: <E extends EventChannel>(channel: E) => BridgeListen<E>,
): DesktopBridge {
  const bridge: Record<string, unknown> = { platform };
  const place = (at: Place, value: unknown) => {
    const [namespace = '', method = ''] = at.split('.');
    bridge[namespace] = { ...(bridge[namespace] as Record<string, unknown> | undefined), [method]: value };
  };
  for (const [channel, at] of Object.entries(bridgeLayout.invoke)) place(at, call(channel as InvokeChannel));
  for (const [channel, at] of Object.entries(bridgeLayout.events)) place(at, listen(channel as EventChannel));
  // The layout is exhaustive over the contract (checked above), so the object has DesktopBridge's shape.
  return bridge as DesktopBridge;
}
