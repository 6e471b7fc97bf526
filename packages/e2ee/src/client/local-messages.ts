import type { Attachment, Payload } from './payload.ts';
import type { E2eeStore } from './store.ts';

/*
 * The device's decrypted history, in the encrypted store. One record per seq (messages and local
 * notes); edits, deletes and reactions update the message they target. Nothing here leaves the device
 * except what a user reports on purpose (the franking proof).
 */

export type FrankingProof = {
  /** The e2ee message (server id) whose ciphertext carried the payload. */
  messageId: string;
  payload: Uint8Array;
  key: Uint8Array;
};

export type LocalMessage = {
  kind: 'message';
  id: string;
  conversationId: string;
  seq: number;
  senderId: string;
  senderDeviceId: string;
  createdAt: string;
  text: string;
  replyTo: { id: string; senderId: string; text: string } | null;
  mentions: string[];
  attachments: Attachment[];
  forwarded: boolean;
  editedAt: string | null;
  deletedAt: string | null;
  reactions: { emoji: string; userIds: string[] }[];
  /** Proof of the current text, for a report (absent once deleted). */
  proof: FrankingProof | null;
};

export type NoteKind =
  /** This device joined here: older messages are not on it. */
  | 'joined_here'
  /** A member's devices (and so their safety code) changed. */
  | 'devices_changed'
  /** A message this device could not decrypt (tampered, or keys it never had). */
  | 'undecryptable'
  /** This device was removed from the group. */
  | 'removed';

export type LocalNote = {
  kind: 'note';
  id: string;
  conversationId: string;
  seq: number;
  createdAt: string;
  note: NoteKind;
  userId: string | null;
  detail: string | null;
};

export type LocalRecord = LocalMessage | LocalNote;

const pad = (seq: number) => String(seq).padStart(12, '0');
export const recordKey = (conversationId: string, seq: number) => `m/${conversationId}/${pad(seq)}`;
const indexKey = (conversationId: string, id: string) => `mi/${conversationId}/${id}`;

export function createLocalMessages(store: E2eeStore) {
  const byId = async (conversationId: string, id: string): Promise<LocalMessage | null> => {
    const seq = await store.get<number>(indexKey(conversationId, id));
    if (seq === undefined) return null;
    const r = await store.get<LocalRecord>(recordKey(conversationId, seq));
    return r?.kind === 'message' ? r : null;
  };
  const put = async (r: LocalRecord) => {
    await store.set(recordKey(r.conversationId, r.seq), r);
    if (r.kind === 'message') await store.set(indexKey(r.conversationId, r.id), r.seq);
  };

  return {
    byId,
    put,

    async note(n: Omit<LocalNote, 'kind' | 'id'> & { id?: string }): Promise<void> {
      // Notes sit between messages: a fractional seq keeps them in order without taking a real one.
      const existing = await store.get<LocalRecord>(recordKey(n.conversationId, n.seq));
      if (existing) return;
      await put({ kind: 'note', id: n.id ?? `note-${n.conversationId}-${n.seq}`, ...n });
    },

    /** Applies one decrypted payload from `sender` at `seq`. Returns what changed (for events). */
    async apply(
      conversationId: string,
      env: { seq: number; senderId: string; senderDeviceId: string; createdAt: string; messageId: string },
      payload: Payload,
      proof: FrankingProof,
    ): Promise<LocalMessage | null> {
      if (payload.t === 'text') {
        const m: LocalMessage = {
          kind: 'message',
          id: payload.id,
          conversationId,
          seq: env.seq,
          senderId: env.senderId,
          senderDeviceId: env.senderDeviceId,
          createdAt: env.createdAt,
          text: payload.text,
          replyTo: payload.replyTo ?? null,
          mentions: payload.mentions,
          attachments: payload.attachments,
          forwarded: payload.forwarded ?? false,
          editedAt: null,
          deletedAt: null,
          reactions: [],
          proof,
        };
        // The same payload id twice (a hostile resend): the first one stands.
        if (await byId(conversationId, m.id)) return null;
        await put(m);
        return m;
      }
      const target = await byId(conversationId, payload.target);
      // Targets from before this device joined are unknown here; that is expected.
      if (!target || target.deletedAt) return null;
      if (payload.t === 'react') {
        const others = target.reactions.filter((r) => r.emoji !== payload.emoji);
        const entry = target.reactions.find((r) => r.emoji === payload.emoji) ?? { emoji: payload.emoji, userIds: [] };
        const userIds = payload.on
          ? [...new Set([...entry.userIds, env.senderId])]
          : entry.userIds.filter((u) => u !== env.senderId);
        const reactions = userIds.length ? [...others, { emoji: payload.emoji, userIds }] : others;
        const next = { ...target, reactions };
        await put(next);
        return next;
      }
      // Only the author edits or deletes their message.
      if (target.senderId !== env.senderId) return null;
      const next: LocalMessage =
        payload.t === 'edit'
          ? { ...target, text: payload.text, editedAt: env.createdAt, proof }
          : {
              ...target,
              text: '',
              attachments: [],
              mentions: [],
              replyTo: null,
              reactions: [],
              deletedAt: env.createdAt,
              proof: null,
            };
      await put(next);
      return next;
    },

    async list(conversationId: string): Promise<LocalRecord[]> {
      const keys = await store.keys(`m/${conversationId}/`);
      const out: LocalRecord[] = [];
      for (const k of keys) {
        const r = await store.get<LocalRecord>(k);
        if (r) out.push(r);
      }
      return out;
    },

    /** Local full-text search over decrypted messages (the server has nothing to search). */
    async search(conversationId: string, q: string): Promise<LocalMessage[]> {
      const needle = q.trim().toLocaleLowerCase();
      if (!needle) return [];
      const all = await this.list(conversationId);
      return all.filter(
        (r): r is LocalMessage => r.kind === 'message' && !r.deletedAt && r.text.toLocaleLowerCase().includes(needle),
      );
    },
  };
}
export type LocalMessages = ReturnType<typeof createLocalMessages>;
