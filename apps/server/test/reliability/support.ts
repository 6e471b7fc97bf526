/**
 * Shared pieces of the reliability suite: real server processes (so they can be killed with
 * SIGKILL), sustained send load with an outbox-like retry, catch-up through the change feed, and
 * the figures every scenario writes to test-results/reliability/<scenario>.json for RELIABILITY.md.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthResult, ChangeFeed, ConversationSummary, HistoryPage, Message } from '@charla/shared-types';
import { type ClientSocket, connectSocket, emitAck, restAs } from '../chat.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../../..');

// ---- figures ----

export type Figures = Record<string, unknown> & { scenario: string; family: string; command: string };

/** Writes one scenario's measured figures (rendered by scripts/reliability-report.mjs). */
export function writeFigures(file: string, figures: Figures): void {
  const dir = path.join(repoRoot, 'test-results', 'reliability');
  fs.mkdirSync(dir, { recursive: true });
  const safe = file.replace(/[^a-z0-9-]/gi, '-');
  fs.writeFileSync(
    path.join(dir, `${safe}.json`),
    `${JSON.stringify({ ...figures, recordedAt: new Date().toISOString() }, null, 2)}\n`,
  );
}

export const vitestCommand = (file: string) => `cd apps/server && npx vitest run test/reliability/${file}`;

// ---- server processes ----

export { killNode, type Node, nodeEnv, register, startNode, stopNode } from '../server-process.ts';

// ---- accounts and conversations ----

let debugOutput: (() => string) | undefined;
export const setDebug = (f: () => string) => {
  debugOutput = f;
};
export async function createGroup(api: string, owner: AuthResult, members: AuthResult[]): Promise<string> {
  const res = await restAs(api, owner.accessToken).post<ConversationSummary>('/conversations', {
    kind: 'group',
    title: 'Reliability',
    memberIds: members.map((m) => m.user.id),
  });
  if (res.status !== 201)
    throw new Error(`group failed: ${res.status} ${JSON.stringify(res.body)} ${debugOutput?.() ?? ''}`);
  return res.body.data.id;
}

/** Every message of a conversation, ascending by seq, through the history API. */
export async function allMessages(api: string, token: string, conversationId: string): Promise<Message[]> {
  const out: Message[] = [];
  let after = 0;
  for (;;) {
    const res = await restAs(api, token).get<HistoryPage>(
      `/conversations/${conversationId}/messages?after=${after}&limit=100`,
    );
    if (res.status !== 200) throw new Error(`history failed: ${res.status}`);
    out.push(...res.body.data.items);
    if (!res.body.data.hasMoreAfter || res.body.data.items.length === 0) return out;
    after = res.body.data.items[res.body.data.items.length - 1]?.seq ?? after;
  }
}

/** Catch-up as a client does it: the change feed after its cursor, every page. */
export async function catchUp(
  api: string,
  token: string,
  conversationId: string,
  after: number,
): Promise<{ messages: Message[]; cursor: number }> {
  const messages: Message[] = [];
  let cursor = after;
  for (;;) {
    const res = await restAs(api, token).get<ChangeFeed>(
      `/conversations/${conversationId}/changes?after=${cursor}&limit=500`,
    );
    if (res.status !== 200) throw new Error(`changes failed: ${res.status}`);
    for (const e of res.body.data.entries) if (e.type === 'message') messages.push(e.message);
    cursor = res.body.data.cursor;
    if (!res.body.data.hasMore) return { messages, cursor };
  }
}

// ---- load ----

export type Sender = {
  name: string;
  token: string;
  socket: ClientSocket | undefined;
  /** clientMsgId -> server message id, for every send the server acknowledged. */
  acked: Map<string, string>;
  /** Sent but not (yet) acknowledged: what a client's outbox retries after reconnecting. */
  pending: Set<string>;
  sent: number;
  failedAcks: number;
  /** Error acks (rate_limited while retrying, write failures): the id stays pending. */
  lastError?: string;
};

export function newSender(name: string, token: string, socket: ClientSocket): Sender {
  return { name, token, socket, acked: new Map(), pending: new Set(), sent: 0, failedAcks: 0 };
}

/** Sends one message with an ack; on a missing ack the id stays pending (the outbox keeps it). */
export async function sendOnce(s: Sender, conversationId: string, clientMsgId: string, timeoutMs = 3000) {
  const socket = s.socket;
  if (!socket?.connected) return false;
  s.pending.add(clientMsgId);
  s.sent++;
  try {
    const ack = await Promise.race([
      emitAck<Message>(socket, 'message:send', { conversationId, clientMsgId, text: `${s.name} ${clientMsgId}` }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('ack timeout')), timeoutMs)),
    ]);
    if (ack.ok) {
      s.acked.set(clientMsgId, ack.data.id);
      s.pending.delete(clientMsgId);
      return true;
    }
    s.failedAcks++;
    s.lastError = ack.error.code;
    return false;
  } catch {
    s.failedAcks++;
    return false;
  }
}

/**
 * Runs senders in a loop until `stop()` is true: each sends sequentially, like one user typing fast,
 * paced under the per-socket send limit (20/s) so every refusal seen is a fault, not the limiter.
 */
export function runLoad(senders: Sender[], conversationId: string, stop: () => boolean, gapMs = 60): Promise<void> {
  return Promise.all(
    senders.map(async (s) => {
      let i = 0;
      while (!stop()) {
        if (s.socket?.connected) await sendOnce(s, conversationId, `${s.name}-${++i}`);
        else await new Promise((r) => setTimeout(r, 20));
        await new Promise((r) => setTimeout(r, gapMs));
      }
    }),
  ).then(() => undefined);
}

/** The outbox after reconnecting: resend every pending id with the SAME clientMsgId. */
export async function retryPending(s: Sender, conversationId: string): Promise<void> {
  for (const id of [...s.pending]) {
    for (let attempt = 0; attempt < 5 && s.pending.has(id); attempt++) {
      s.sent--; // a retry is not a new message
      if (!(await sendOnce(s, conversationId, id, 5000))) await new Promise((r) => setTimeout(r, 300));
    }
  }
}

export async function connectRetrying(url: string, token: string, timeoutMs = 10_000): Promise<ClientSocket> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await connectSocket(url, token);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Asserts the invariants of a conversation's stored history and returns the counts. */
export function auditHistory(stored: Message[], senders: Sender[]) {
  const byClientId = new Map<string, number>();
  for (const m of stored) if (m.clientMsgId) byClientId.set(m.clientMsgId, (byClientId.get(m.clientMsgId) ?? 0) + 1);
  const duplicates = [...byClientId.values()].filter((n) => n > 1).length;
  const seqs = stored.map((m) => m.seq);
  const gapless = seqs.every((s, i) => s === i + 1);
  const storedIds = new Set(stored.map((m) => m.id));
  let acked = 0;
  let lost = 0;
  for (const s of senders)
    for (const [, id] of s.acked) {
      acked++;
      if (!storedIds.has(id)) lost++;
    }
  // System messages (group created, member joined) share the seq space but are nobody's send.
  const system = stored.filter((m) => m.kind === 'system').length;
  return { stored: stored.length - system, system, acked, lost, duplicates, gapless, maxSeq: seqs.at(-1) ?? 0 };
}
