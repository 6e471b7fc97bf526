import type { ConversationSummary, Participant } from '@charla/shared-types';

/** The server takes at most this many ids per presence:subscribe, and keeps only the last set per socket. */
export const PRESENCE_BATCH = 500;

/**
 * Whose presence the client shows: the members of the group on screen first, then direct-chat peers
 * in list order, at most PRESENCE_BATCH of them; sorted, so a reordered list changes nothing.
 */
export function presenceWanted(
  list: ConversationSummary[] | undefined,
  openGroupMembers: Participant[] | undefined,
  meId: string,
): string[] {
  const ids = new Set<string>();
  for (const p of openGroupMembers ?? []) if (!p.user.deleted && p.userId !== meId) ids.add(p.userId);
  for (const c of list ?? [])
    if (c.kind === 'direct' && c.peer && !c.peer.deleted && c.peer.id !== meId) ids.add(c.peer.id);
  return [...ids].slice(0, PRESENCE_BATCH).sort();
}

/**
 * A subscription replaces the socket's previous set on the server, so the whole wanted set goes in
 * one call whenever it is not exactly what this connection already follows; nothing otherwise.
 */
export function presenceBatches(wanted: string[], subscribed: ReadonlySet<string>): string[][] {
  const same = wanted.length === subscribed.size && wanted.every((id) => subscribed.has(id));
  return same || wanted.length === 0 ? [] : [wanted.slice(0, PRESENCE_BATCH)];
}
