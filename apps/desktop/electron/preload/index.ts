/**
 * The only file that touches ipcRenderer. It exposes one small typed object as `window.desktop`:
 * one method per contract channel and one subscription per event, never a generic send/on; the
 * object's layout comes from the contract (shared/desktop-bridge.ts). Listeners get the payload
 * only (not the IpcRendererEvent, which would leak `sender`).
 */
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import { type BridgeCall, type BridgeListen, buildBridge } from '../shared/desktop-bridge.ts';
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

contextBridge.exposeInMainWorld('desktop', buildBridge(platform, call, listen));
