import type { ConversationSummary, Participant } from '@charla/shared-types';

/** The server takes at most this many ids per presence:subscribe. */
export const PRESENCE_BATCH = 500;

/** Whose presence the client shows: direct-chat peers, plus the members of the group on screen. */
export function presenceWanted(
  list: ConversationSummary[] | undefined,
  openGroupMembers: Participant[] | undefined,
  meId: string,
): string[] {
  const ids = new Set<string>();
  for (const c of list ?? []) if (c.kind === 'direct' && c.peer && !c.peer.deleted) ids.add(c.peer.id);
  for (const p of openGroupMembers ?? []) if (!p.user.deleted) ids.add(p.userId);
  ids.delete(meId);
  return [...ids].sort();
}

/**
 * Subscriptions are additive on the server (one room per watched user, per socket), so only the
 * ids not yet subscribed on this connection are sent, in batches the server accepts.
 */
export function presenceBatches(wanted: string[], subscribed: ReadonlySet<string>): string[][] {
  const fresh = wanted.filter((id) => !subscribed.has(id));
  const out: string[][] = [];
  for (let i = 0; i < fresh.length; i += PRESENCE_BATCH) out.push(fresh.slice(i, i + PRESENCE_BATCH));
  return out;
}
