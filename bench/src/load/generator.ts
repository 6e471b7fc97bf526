/**
 * A load-generator process: holds a share of the client sockets, sends at the rate it is told and
 * records send-to-receive latency of every delivery. Several of these run at once (one per process
 * keeps each under the open-file limit and spreads the client-side CPU).
 *
 * Each message's text carries `b|<window>|<send time ms>|<sender node>`; the receiver subtracts the
 * send time from its own clock (same host, same wall clock) and files the sample under that window,
 * split by whether sender and receiver were connected to the same server node.
 */
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { type RpcMessage, serveRpc } from '../lib/children.ts';
import { nowMs } from '../lib/stats.ts';

export type ServerKind = 'charla' | 'socketio' | 'ws';
export type ClientSpec = { url: string; room: string; token?: string; node: number };

type Client = {
  spec: ClientSpec;
  send(text: string, onAck: (ok: boolean, error?: string) => void): void;
  close(): void;
};

type WindowSamples = { same: number[]; cross: number[] };
const windows = new Map<number, WindowSamples>();
let clients: Client[] = [];
let msgCounter = 0;
const genId = process.pid.toString(36);

function onDelivery(text: unknown, myNode: number): void {
  if (typeof text !== 'string' || !text.startsWith('b|')) return;
  const now = nowMs();
  const [, w, ts, node] = text.split('|');
  const window = Number(w);
  const samples = windows.get(window) ?? { same: [], cross: [] };
  windows.set(window, samples);
  (Number(node) === myNode ? samples.same : samples.cross).push(now - Number(ts));
}

function connectSocketIo(kind: 'charla' | 'socketio', spec: ClientSpec): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket: Socket = io(spec.url, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      timeout: 30_000,
      ...(kind === 'charla' ? { auth: { token: spec.token } } : { query: { room: spec.room } }),
    });
    if (kind === 'charla')
      socket.on('message:created', (e: { message?: { text?: string } }) => onDelivery(e?.message?.text, spec.node));
    else socket.on('msg', (p: { text?: string }) => onDelivery(p?.text, spec.node));
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) =>
      reject(new Error(err.data?.code ?? err.message)),
    );
    socket.once('connect', () =>
      resolve({
        spec,
        close: () => socket.disconnect(),
        send(text, onAck) {
          const event = kind === 'charla' ? 'message:send' : 'send';
          const payload =
            kind === 'charla'
              ? { conversationId: spec.room, clientMsgId: `${genId}-${++msgCounter}`, text }
              : { room: spec.room, text };
          socket
            .timeout(10_000)
            .emit(event, payload, (err: Error | null, ack?: { ok: boolean; error?: { code: string } }) => {
              if (err) onAck(false, 'ack_timeout');
              else onAck(ack?.ok === true, ack?.ok ? undefined : (ack?.error?.code ?? 'bad_ack'));
            });
        },
      }),
    );
  });
}

function connectWs(spec: ClientSpec): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${spec.url.replace(/^http/, 'ws')}/?room=${encodeURIComponent(spec.room)}`, {
      perMessageDeflate: false,
    });
    const acks = new Map<number, (ok: boolean, error?: string) => void>();
    let nextId = 0;
    ws.on('message', (data) => {
      const s = data.toString();
      if (s.startsWith('{"a":')) {
        const id = Number(s.slice(5, -1));
        acks.get(id)?.(true);
        acks.delete(id);
      } else onDelivery((JSON.parse(s) as { text?: string }).text, spec.node);
    });
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        spec,
        close: () => ws.close(),
        send(text, onAck) {
          const i = ++nextId;
          acks.set(i, onAck);
          ws.send(JSON.stringify({ i, room: spec.room, text }));
          setTimeout(() => {
            if (acks.delete(i)) onAck(false, 'ack_timeout');
          }, 10_000).unref();
        },
      }),
    );
  });
}

async function connectAll(kind: ServerKind, specs: ClientSpec[], concurrency: number) {
  const started = nowMs();
  const errors = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const spec = specs[next++] as ClientSpec;
      try {
        clients.push(kind === 'ws' ? await connectWs(spec) : await connectSocketIo(kind, spec));
      } catch (err) {
        const key = err instanceof Error ? err.message : String(err);
        errors.set(key, (errors.get(key) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
  return { ok: clients.length, failed: specs.length - clients.length, ms: nowMs() - started, errors: [...errors] };
}

/** Open loop: sends what is due every 2 ms regardless of acks, round-robin over this process's clients. */
function run(window: number, rate: number, durationMs: number, senderNode: (c: Client) => number) {
  return new Promise<{
    sent: number;
    acked: number;
    /** Acks received before the window closed: throughput during the window, even above capacity. */
    ackedInWindow: number;
    failed: number;
    ack: number[];
    errors: [string, number][];
  }>((resolve) => {
    const ack: number[] = [];
    const errors = new Map<string, number>();
    let sent = 0;
    let acked = 0;
    let ackedInWindow = 0;
    let failed = 0;
    let cursor = 0;
    let ended = false;
    const start = nowMs();
    const finish = () => resolve({ sent, acked, ackedInWindow, failed, ack, errors: [...errors] });
    const timer = setInterval(() => {
      const elapsed = nowMs() - start;
      const due = Math.min(
        Math.floor((Math.min(elapsed, durationMs) * rate) / 1000),
        Math.ceil((durationMs * rate) / 1000),
      );
      while (sent < due && clients.length) {
        const client = clients[cursor++ % clients.length] as Client;
        const ts = nowMs();
        sent++;
        client.send(`b|${window}|${ts.toFixed(3)}|${senderNode(client)}`, (ok, error) => {
          if (ok) {
            acked++;
            if (!ended) ackedInWindow++;
            ack.push(nowMs() - ts);
          } else {
            failed++;
            errors.set(error ?? 'error', (errors.get(error ?? 'error') ?? 0) + 1);
          }
          if (ended && acked + failed >= sent) finishOnce();
        });
      }
      if (elapsed >= durationMs) {
        ended = true;
        clearInterval(timer);
        if (acked + failed >= sent) finishOnce();
        else setTimeout(finishOnce, 11_000);
      }
    }, 2);
    let done = false;
    const finishOnce = () => {
      if (done) return;
      done = true;
      finish();
    };
  });
}

serveRpc(async (msg: RpcMessage) => {
  switch (msg.t) {
    case 'connect': {
      const r = await connectAll(msg.kind as ServerKind, msg.clients as ClientSpec[], Number(msg.concurrency ?? 50));
      return { t: 'connected', ...r };
    }
    case 'run': {
      const r = await run(Number(msg.window), Number(msg.rate), Number(msg.durationMs), (c) => c.spec.node);
      return { t: 'ran', ...r };
    }
    case 'collect': {
      const w = Number(msg.window);
      const samples = windows.get(w) ?? { same: [], cross: [] };
      windows.delete(w);
      return { t: 'lat', same: samples.same, cross: samples.cross };
    }
    case 'close': {
      for (const c of clients) c.close();
      clients = [];
      return { t: 'closed' };
    }
    default:
      throw new Error(`unknown request ${msg.t}`);
  }
});
process.on('SIGTERM', () => process.exit(0));
// No orphans: the orchestrator went away.
process.on('disconnect', () => process.exit(0));
