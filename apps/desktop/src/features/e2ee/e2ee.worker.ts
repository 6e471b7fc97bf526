import { createE2eeClient, createFetchApi, type E2eeClient, E2eeError } from '@charla/e2ee';
import { openE2eeStore } from './idb-store.ts';
import { type FromWorker, type ToWorker, WORKER_METHODS, type WorkerError } from './worker-protocol.ts';

/*
 * MLS runs here, off the UI thread (commits cost O(members)). The worker owns the E2EE client and its
 * encrypted IndexedDB store; the page sends it calls and the access token, and gets events back.
 */

/** The worker's global, typed without pulling the WebWorker lib into the DOM project. */
const scope = self as unknown as {
  postMessage(m: FromWorker): void;
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
};

let client: E2eeClient | null = null;
let token: string | null = null;
let tokenWaiters: ((t: string | null) => void)[] = [];

const post = (m: FromWorker) => scope.postMessage(m);

function toError(err: unknown): WorkerError {
  if (err instanceof E2eeError)
    return {
      code: err.code,
      message: err.message,
      ...(err.status !== undefined ? { status: err.status } : {}),
      ...(err.serverCode ? { serverCode: err.serverCode } : {}),
    };
  return { code: 'error', message: err instanceof Error ? err.message : String(err) };
}

async function refreshToken(): Promise<boolean> {
  post({ t: 'refresh' });
  const next = await new Promise<string | null>((resolve) => tokenWaiters.push(resolve));
  return next !== null;
}

scope.onmessage = async (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  if (m.t === 'token') {
    token = m.token;
    const waiting = tokenWaiters;
    tokenWaiters = [];
    for (const w of waiting) w(m.token);
    return;
  }
  try {
    if (m.t === 'init') {
      token = m.token;
      const store = await openE2eeStore(m.userId, m.keyBytes);
      client = await createE2eeClient({
        api: createFetchApi({ baseUrl: m.apiBase, getToken: () => token ?? '', onUnauthorized: refreshToken }),
        store,
        userId: m.userId,
        deviceName: m.deviceName,
        onEvent: (ev) =>
          post({
            t: 'event',
            event: {
              type: ev.type,
              conversationId: ev.conversationId,
              ...('userId' in ev ? { userId: ev.userId } : {}),
              ...(ev.type === 'error' ? { message: toError(ev.error).message } : {}),
            },
          }),
      });
      const device = await client.init();
      post({ t: 'reply', id: m.id, ok: true, value: { deviceId: device.deviceId } });
      return;
    }
    if (!client) throw new E2eeError('state', 'The encrypted-chat engine is not ready');
    if (!WORKER_METHODS.includes(m.method)) throw new E2eeError('state', `Unknown call ${m.method}`);
    const fn = client[m.method] as (...args: unknown[]) => Promise<unknown>;
    const value = await fn.apply(client, m.args);
    post({ t: 'reply', id: m.id, ok: true, value });
  } catch (err) {
    post({ t: 'reply', id: m.id, ok: false, error: toError(err) });
  }
};
