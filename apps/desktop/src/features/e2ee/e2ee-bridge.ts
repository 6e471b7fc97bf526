import type { E2eeClient } from '@charla/e2ee';
import type { FromWorker, ToWorker, WorkerError, WorkerMethod } from './worker-protocol.ts';

/*
 * The page's side of the E2EE worker: typed calls in, events out. Loaded lazily (with the worker and
 * ts-mls) only when the user has or opens an encrypted chat, so the initial bundle does not carry MLS.
 */

type Calls = Pick<E2eeClient, WorkerMethod>;
export type E2eeEvent = Extract<FromWorker, { t: 'event' }>['event'];

/** A failed worker call, with the E2EE error code (and the server's code when it refused). */
export class E2eeCallError extends Error {
  readonly code: string;
  readonly status: number | undefined;
  readonly serverCode: string | undefined;
  constructor(e: WorkerError) {
    super(e.message);
    this.name = 'E2eeCallError';
    this.code = e.code;
    this.status = e.status;
    this.serverCode = e.serverCode;
  }
}

export type E2eeBridge = {
  call<M extends WorkerMethod>(method: M, ...args: Parameters<Calls[M]>): Promise<Awaited<ReturnType<Calls[M]>>>;
  on(listener: (e: E2eeEvent) => void): () => void;
  deviceId: string;
  close(): void;
};

export async function startE2ee(options: {
  userId: string;
  apiBase: string;
  deviceName: string;
  getToken(forceRefresh: boolean): Promise<string | null>;
  keyBytes?: Uint8Array;
}): Promise<E2eeBridge> {
  const worker = new Worker(new URL('./e2ee.worker.ts', import.meta.url), { type: 'module', name: 'charla-e2ee' });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  const listeners = new Set<(e: E2eeEvent) => void>();
  let nextId = 1;
  const send = (m: ToWorker) => worker.postMessage(m);

  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if (m.t === 'reply') {
      const p = pending.get(m.id);
      pending.delete(m.id);
      if (m.ok) p?.resolve(m.value);
      else p?.reject(new E2eeCallError(m.error));
    } else if (m.t === 'event') for (const l of listeners) l(m.event);
    else if (m.t === 'refresh')
      void options
        .getToken(true)
        .catch(() => null)
        .then((token) => send({ t: 'token', token }));
  };
  const request = (
    m: { t: 'call'; method: WorkerMethod; args: unknown[] } | Omit<Extract<ToWorker, { t: 'init' }>, 'id'>,
  ) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      send({ ...m, id } as ToWorker);
    });

  const token = await options.getToken(false);
  if (!token) throw new E2eeCallError({ code: 'state', message: 'Not signed in' });
  let started: { deviceId: string };
  try {
    started = (await request({
      t: 'init',
      userId: options.userId,
      apiBase: options.apiBase,
      deviceName: options.deviceName,
      token,
      ...(options.keyBytes ? { keyBytes: options.keyBytes } : {}),
    })) as { deviceId: string };
  } catch (err) {
    worker.terminate();
    throw err;
  }
  // Access tokens expire: keep the worker's copy fresh.
  const refresher = setInterval(() => {
    void options
      .getToken(false)
      .then((t) => send({ t: 'token', token: t }))
      .catch(() => undefined);
  }, 60_000);

  return {
    deviceId: started.deviceId,
    call: (method, ...args) => request({ t: 'call', method, args }) as never,
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      clearInterval(refresher);
      worker.terminate();
      for (const p of pending.values()) p.reject(new E2eeCallError({ code: 'state', message: 'Closed' }));
      pending.clear();
    },
  };
}
