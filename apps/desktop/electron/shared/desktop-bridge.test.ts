import { describe, expect, it } from 'vitest';
import { bridgeLayout, buildBridge } from './desktop-bridge.ts';
import { eventChannels, invokeChannels } from './ipc-contract.ts';

describe('window.desktop is derived from the IPC contract', () => {
  it('places every contract channel once, and nothing else', () => {
    expect(Object.keys(bridgeLayout.invoke).sort()).toEqual([...invokeChannels].sort());
    expect(Object.keys(bridgeLayout.events).sort()).toEqual([...eventChannels].sort());
    const places = [...Object.values(bridgeLayout.invoke), ...Object.values(bridgeLayout.events)];
    expect(new Set(places).size).toBe(places.length);
  });

  it('each method invokes its own channel and each subscription listens to its own event', async () => {
    const invoked: string[] = [];
    const listened: string[] = [];
    const bridge = buildBridge(
      'linux',
      (channel) => async (args) => {
        invoked.push(`${channel} ${JSON.stringify(args)}`);
        return { ok: true, data: null as never };
      },
      (channel) => () => {
        listened.push(channel);
        return () => undefined;
      },
    );
    expect(bridge.platform).toBe('linux');
    await bridge.session.login({ login: 'ana', password: 'pw' });
    await bridge.notifications.focusConversation({ conversationId: null });
    bridge.settings.onChanged(() => undefined);
    bridge.updates.onReady(() => undefined);
    expect(invoked).toEqual([
      'session:login {"login":"ana","password":"pw"}',
      'conversation:focus {"conversationId":null}',
    ]);
    expect(listened).toEqual(['settings:changed', 'update:ready']);
    for (const [channel, at] of Object.entries(bridgeLayout.invoke)) {
      const [ns = '', method = ''] = at.split('.');
      const fn = (bridge as unknown as Record<string, Record<string, (a: unknown) => Promise<unknown>>>)[ns]?.[method];
      expect(fn, at).toBeTypeOf('function');
      invoked.length = 0;
      await fn?.({});
      expect(invoked[0]?.split(' ')[0]).toBe(channel);
    }
  });
});
