/**
 * The only file that touches ipcRenderer. It exposes one small typed object as `window.desktop`:
 * one method per contract channel and one subscription per event, never a generic send/on.
 * Listeners get the payload only (not the IpcRendererEvent, which would leak `sender`).
 */
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import type { BridgeCall, BridgeListen, DesktopBridge } from '../shared/desktop-bridge.ts';
import type { EventChannel, InvokeChannel } from '../shared/ipc-contract.ts';

const call =
  <C extends InvokeChannel>(channel: C): BridgeCall<C> =>
  (args) =>
    ipcRenderer.invoke(channel, args ?? {});

const listen =
  <E extends EventChannel>(channel: E): BridgeListen<E> =>
  (handler) => {
    const listener = (_event: IpcRendererEvent, payload: Parameters<typeof handler>[0]): void => handler(payload);
    ipcRenderer.on(channel, listener);
    return () => {
      ipcRenderer.removeListener(channel, listener);
    };
  };

const platform = (['darwin', 'win32', 'linux'] as const).find((p) => p === process.platform) ?? 'other';

const desktop: DesktopBridge = {
  platform,
  session: {
    login: call('session:login'),
    completeRegistration: call('session:complete-registration'),
    restore: call('session:restore'),
    signInWithProvider: call('session:oidc'),
    getToken: call('session:get-token'),
    logout: call('session:logout'),
  },
  settings: { get: call('settings:get'), update: call('settings:update'), onChanged: listen('settings:changed') },
  notifications: {
    show: call('notification:show'),
    focusConversation: call('conversation:focus'),
    onClicked: listen('notification:clicked'),
    onReply: listen('notification:reply'),
  },
  tray: { setRecent: call('tray:set-recent') },
  system: { onAway: listen('system:away') },
  badge: { set: call('badge:set') },
  shell: { openExternal: call('shell:open-external') },
  deepLinks: { takePending: call('deep-link:take-pending'), onReceived: listen('deep-link:received') },
  updates: { install: call('update:install'), onReady: listen('update:ready') },
  app: { getInfo: call('app:get-info') },
};

contextBridge.exposeInMainWorld('desktop', desktop);
