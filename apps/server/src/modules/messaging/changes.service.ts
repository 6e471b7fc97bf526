import type { ChangeEntry, ChangeFeed, SyncState } from '@charla/shared-types';
import type { ChangeRecord, Storage } from '../../storage/ports.ts';
import { requireMember } from './conversations.access.ts';
import { createUserCards, toConversationDto, toMyState, toParticipantDto } from './conversations.mapper.ts';
import { toMessageDto } from './messages.mapper.ts';

/** Which snapshot a change row asks for: entries about the same thing collapse into the latest one. */
function keyOf(c: ChangeRecord): string {
  if (c.type === 'message.hidden') return `hidden:${c.entityId}`;
  if (c.type.startsWith('message.') || c.type === 'reaction.updated') return `message:${c.entityId}`;
  if (c.type === 'receipt.updated') return `receipt:${c.entityId}`;
  if (c.type === 'participant.settings') return `me:${c.entityId}`;
  if (c.type.startsWith('participant.')) return `participant:${c.entityId}`;
  return `conversation:${c.conversationId}`;
}

/**
 * Catch-up. The feed stores references; we answer with the CURRENT state of everything that changed
 * after the client's cursor, so applying the entries in order converges on the server's state no
 * matter how many intermediate versions the client missed (and deleted text never resurfaces).
 */
export function createChangesService(deps: { storage: Storage }) {
  const { storage } = deps;

  return {
    async changes(userId: string, conversationId: string, after: number, limit: number): Promise<ChangeFeed> {
      const { conversation } = await requireMember(storage, conversationId, userId);
      const page = await storage.conversations.changesAfter(conversationId, after, { viewerId: userId, limit });
      const latest = new Map<string, ChangeRecord>();
      for (const row of page.items) {
        const key = keyOf(row);
        latest.delete(key); // re-insert so Map order follows the latest change
        latest.set(key, row);
      }
      const rows = [...latest.values()];
      const messageIds = [
        ...new Set(
          rows.filter((r) => r.type.startsWith('message.') || r.type === 'reaction.updated').map((r) => r.entityId),
        ),
      ];
      const [messages, hidden] = await Promise.all([
        storage.messages.findByIds(messageIds),
        storage.messages.hiddenFor(userId, messageIds),
      ]);
      const byId = new Map(messages.map((m) => [m.id, m]));
      // Hidden-for-me wins over any later edit/reaction row of the same message.
      const hiddenIds = new Set([...hidden, ...rows.filter((r) => r.type === 'message.hidden').map((r) => r.entityId)]);
      const cards = createUserCards(storage);
      const entries: ChangeEntry[] = [];
      for (const row of rows) {
        const changeSeq = row.changeSeq;
        if (
          row.type === 'message.hidden' ||
          (row.type.startsWith('message.') && hiddenIds.has(row.entityId)) ||
          (row.type === 'reaction.updated' && hiddenIds.has(row.entityId))
        ) {
          if (!entries.some((e) => e.type === 'message_hidden' && e.messageId === row.entityId))
            entries.push({ type: 'message_hidden', changeSeq, messageId: row.entityId });
          continue;
        }
        const key = keyOf(row);
        if (key.startsWith('message:')) {
          const m = byId.get(row.entityId);
          if (m) entries.push({ type: 'message', changeSeq, message: toMessageDto(m) });
        } else if (key.startsWith('receipt:') || key.startsWith('participant:') || key.startsWith('me:')) {
          const p = await storage.participants.find(conversationId, row.entityId);
          if (!p || p.leftAt) {
            if (key.startsWith('participant:'))
              entries.push({ type: 'participant_left', changeSeq, userId: row.entityId });
            continue;
          }
          if (key.startsWith('receipt:'))
            entries.push({
              type: 'receipt',
              changeSeq,
              receipt: {
                conversationId,
                userId: p.userId,
                lastReadSeq: p.lastReadSeq,
                lastDeliveredSeq: p.lastDeliveredSeq,
              },
            });
          else if (key.startsWith('me:')) entries.push({ type: 'me', changeSeq, me: toMyState(p) });
          else entries.push({ type: 'participant', changeSeq, participant: await toParticipantDto(p, cards) });
        } else {
          const fresh = (await storage.conversations.findById(conversationId)) ?? conversation;
          entries.push({
            type: 'conversation',
            changeSeq,
            conversation: await toConversationDto(fresh, userId, storage, cards),
          });
        }
      }
      entries.sort((a, b) => a.changeSeq - b.changeSeq);
      return { conversationId, entries, cursor: page.changeSeq, hasMore: page.hasMore };
    },

    async sync(userId: string, since: string | undefined): Promise<SyncState> {
      const { items, cursor } = await storage.conversations.changedSince(userId, since ?? null);
      return {
        changed: items
          .filter((i) => i.membership === 'active')
          .map((i) => ({ id: i.conversationId, changeSeq: i.changeSeq })),
        removed: items.filter((i) => i.membership === 'left').map((i) => i.conversationId),
        cursor,
      };
    },
  };
}

export type ChangesService = ReturnType<typeof createChangesService>;
