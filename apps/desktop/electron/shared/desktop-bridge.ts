/**
 * What the preload exposes as `window.desktop`: one small typed object, one method per IPC channel,
 * no generic send. Methods resolve to an IpcResponse (errors do not survive contextBridge intact);
 * src/platform/electron.ts unwraps them.
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
type Call<C extends InvokeChannel> = BridgeCall<C>;
type Listen<E extends EventChannel> = BridgeListen<E>;

export type DesktopBridge = {
  readonly platform: 'darwin' | 'win32' | 'linux' | 'other';
  readonly session: {
    login: Call<'session:login'>;
    completeRegistration: Call<'session:complete-registration'>;
    restore: Call<'session:restore'>;
    signInWithProvider: Call<'session:oidc'>;
    getToken: Call<'session:get-token'>;
    logout: Call<'session:logout'>;
  };
  readonly settings: {
    get: Call<'settings:get'>;
    update: Call<'settings:update'>;
    onChanged: Listen<'settings:changed'>;
  };
  readonly notifications: {
    show: Call<'notification:show'>;
    focusConversation: Call<'conversation:focus'>;
    onClicked: Listen<'notification:clicked'>;
    onReply: Listen<'notification:reply'>;
  };
  readonly tray: { setRecent: Call<'tray:set-recent'> };
  readonly system: { onAway: Listen<'system:away'> };
  readonly badge: { set: Call<'badge:set'> };
  readonly shell: { openExternal: Call<'shell:open-external'> };
  readonly deepLinks: { takePending: Call<'deep-link:take-pending'>; onReceived: Listen<'deep-link:received'> };
  readonly updates: { install: Call<'update:install'>; onReady: Listen<'update:ready'> };
  readonly app: { getInfo: Call<'app:get-info'> };
};
