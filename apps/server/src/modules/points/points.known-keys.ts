/**
 * (ruleId, eventKey) pairs known to be in the ledger. Ledger entries are never deleted (a reversal
 * is a new entry), so once a key is there it stays there, on every node: remembering it lets the
 * hot path (every message sent awards "first message of the day" and "streak day", which are
 * duplicates after the first message of a day) skip the reads and the write transaction that could
 * only answer "duplicate". Bounded: forgetting only costs a lookup.
 */
export function createKnownKeys(limit = 50_000) {
  const keys = new Set<string>();
  const key = (ruleId: string, eventKey: string) => `${ruleId}\u0000${eventKey}`;
  return {
    has: (ruleId: string, eventKey: string) => keys.has(key(ruleId, eventKey)),
    add(ruleId: string, eventKey: string): void {
      if (keys.size >= limit) keys.clear();
      keys.add(key(ruleId, eventKey));
    },
  };
}
