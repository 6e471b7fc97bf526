import type { Clock } from '../../app-context.ts';

/**
 * Short-lived, single-use values (pending sign-ins, desktop exchange codes, ID-token nonces).
 *
 * In memory: a sign-in must come back to the node that started it, which holds for one server
 * process (the embedded default). Several nodes behind a load balancer need the provider callback
 * routed to the same node, or this moved to Redis/storage. Bounded, so a flood of /start calls
 * costs at most `max` entries (the oldest are dropped first).
 */
export type ExpiringStore<T> = {
  put(key: string, value: T): void;
  /** Returns and deletes the value; undefined when unknown, already taken or expired. */
  take(key: string): T | undefined;
  readonly size: number;
};

export function createExpiringStore<T>(ttlMs: number, max: number, clock: Clock): ExpiringStore<T> {
  const entries = new Map<string, { value: T; expiresAt: number }>();

  const sweep = (now: number) => {
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  };

  return {
    put(key, value) {
      const now = clock.now().getTime();
      if (entries.size >= max) sweep(now);
      while (entries.size >= max) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
      entries.set(key, { value, expiresAt: now + ttlMs });
    },
    take(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      return entry.expiresAt > clock.now().getTime() ? entry.value : undefined;
    },
    get size() {
      return entries.size;
    },
  };
}
