import { HOME_SPACE_ID } from '@charla/shared-types';
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import { isApiError } from '../platform/errors.ts';

export type OutboxEntry = {
  clientMsgId: string;
  conversationId: string;
  text: string;
  replyToId?: string;
  mentions: string[];
  attachments: string[];
  createdAt: string;
  status: 'pending' | 'sending' | 'failed';
  error?: string;
};

interface OutboxDb extends DBSchema {
  outbox: { key: string; value: OutboxEntry; indexes: { byCreated: string } };
}

export function newClientMsgId(): string {
  return `c:${crypto.randomUUID()}`;
}

/**
 * The IndexedDB database holding one user's unsent messages in one space (realtime/use-outbox.ts opens
 * it by this name): a message queued in one space is never sent into another. Home keeps the name
 * from before spaces, so messages queued before an update are still sent.
 */
export const outboxName = (userId: string, spaceId: string = HOME_SPACE_ID) =>
  spaceId === HOME_SPACE_ID ? `charla-outbox-${userId}` : `charla-outbox-${userId}@${spaceId}`;

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    // Blocked (another tab still has it open) or failed: it is deleted once that tab closes, or kept.
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}

/** Deletes a user's unsent messages, in every space, from this device (an explicit sign-out: nothing stays on disk). */
export async function deleteOutbox(userId: string): Promise<void> {
  if (typeof indexedDB === 'undefined') return;
  const names = new Set([outboxName(userId)]);
  const all = await indexedDB.databases?.().catch(() => []);
  for (const db of all ?? []) if (db.name?.startsWith(`${outboxName(userId)}@`)) names.add(db.name);
  await Promise.all([...names].map(deleteDatabase));
}

/**
 * Messages waiting for the server, persisted in IndexedDB so they survive reloads and offline periods.
 * The clientMsgId makes retries idempotent on the server; `flush` is single-flight so one tab never
 * sends an entry twice concurrently.
 */
export class Outbox {
  private readonly name: string;
  private conn: Promise<IDBPDatabase<OutboxDb>> | null = null;
  private listeners = new Set<(entries: OutboxEntry[]) => void>();
  private flushing: Promise<void> | null = null;
  private again = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(name = 'charla-outbox') {
    this.name = name;
  }

  /** Opens on first use and again after close(), so a remount (React StrictMode) keeps working. */
  private get db(): Promise<IDBPDatabase<OutboxDb>> {
    this.conn ??= openDB<OutboxDb>(this.name, 1, {
      upgrade(db) {
        db.createObjectStore('outbox', { keyPath: 'clientMsgId' }).createIndex('byCreated', 'createdAt');
      },
    });
    return this.conn;
  }

  async all(): Promise<OutboxEntry[]> {
    return (await this.db).getAllFromIndex('outbox', 'byCreated');
  }

  subscribe(fn: (entries: OutboxEntry[]) => void): () => void {
    this.listeners.add(fn);
    void this.all().then(fn);
    return () => this.listeners.delete(fn);
  }

  private async emit() {
    const entries = await this.all();
    for (const fn of this.listeners) fn(entries);
  }

  async add(entry: Omit<OutboxEntry, 'status' | 'createdAt'> & { createdAt?: string }): Promise<OutboxEntry> {
    const full: OutboxEntry = { ...entry, createdAt: entry.createdAt ?? new Date().toISOString(), status: 'pending' };
    await (await this.db).put('outbox', full);
    await this.emit();
    return full;
  }

  async remove(clientMsgId: string) {
    await (await this.db).delete('outbox', clientMsgId);
    await this.emit();
  }

  /** Marks a failed entry pending again (the user pressed retry). */
  async retry(clientMsgId: string) {
    const db = await this.db;
    const e = await db.get('outbox', clientMsgId);
    if (e) await db.put('outbox', { ...e, status: 'pending', error: undefined });
    await this.emit();
  }

  /**
   * Sends pending entries in order. A network failure stops the run and keeps the entry pending
   * (it goes out on the next flush); so does `unavailable` (the server's database is down for a
   * moment), which also schedules the next flush after the server's Retry-After. A refusal by the
   * server marks the entry failed for the user to retry.
   */
  flush<R>(send: (e: OutboxEntry) => Promise<R>, onSent?: (e: OutboxEntry, result: R) => void): Promise<void> {
    if (this.flushing) {
      this.again = true;
      return this.flushing;
    }
    this.flushing = (async () => {
      do {
        this.again = false;
        for (const entry of await this.all()) {
          if (entry.status === 'failed') continue;
          const db = await this.db;
          await db.put('outbox', { ...entry, status: 'sending' });
          try {
            const result = await send(entry);
            await db.delete('outbox', entry.clientMsgId);
            onSent?.(entry, result);
          } catch (e) {
            const network = isApiError(e, 'network') || !isApiError(e);
            const unavailable = isApiError(e, 'unavailable');
            await db.put('outbox', {
              ...entry,
              status: network || unavailable ? 'pending' : 'failed',
              error: isApiError(e) ? e.code : undefined,
            });
            await this.emit();
            if (unavailable) this.retryLater(e.retryAfter, send, onSent);
            if (network || unavailable) return;
            continue;
          }
          await this.emit();
        }
      } while (this.again);
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private retryLater<R>(
    seconds: number | undefined,
    send: (e: OutboxEntry) => Promise<R>,
    onSent?: (e: OutboxEntry, result: R) => void,
  ) {
    clearTimeout(this.retryTimer);
    const ms = Math.min(Math.max(seconds ?? 5, 1), 60) * 1000;
    this.retryTimer = setTimeout(() => void this.flush(send, onSent).catch(() => undefined), ms);
  }

  async close() {
    clearTimeout(this.retryTimer);
    const conn = this.conn;
    this.conn = null;
    if (conn) (await conn).close();
  }
}
