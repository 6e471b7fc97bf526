import type {
  DeleteScope,
  HistoryPage,
  Message,
  MessageReceipts,
  ReactionSummary,
  Receipt,
  sendMessageRequestSchema,
} from '@charla/shared-types';
import type { Request, RequestHandler } from 'express';
import type { z } from 'zod';
import { badRequest, forbidden, notFound } from '../../http/errors.ts';
import type {
  Committed,
  ConversationRecord,
  MessageRecord,
  ParticipantRecord,
  ReplySnapshot,
  Storage,
} from '../../storage/ports.ts';
import { currentSpaceRules } from '../../storage/spaces/space-members.ts';
import type { Fanout } from '../realtime/realtime.fanout.ts';
import { assertPlaintextAllowed, serverMayReadContent } from './content-policy.ts';
import { type Membership, requireMember, requireReader, visibilityFloor } from './conversations.access.ts';
import { directPeerId } from './conversations.mapper.ts';
import { postingError, postRestriction, requirePost } from './conversations.permissions.ts';
import type { ConversationsService } from './conversations.service.ts';
import type { MessageContentEvents } from './messages.content-events.ts';
import { toMessageDto } from './messages.mapper.ts';
import { type PublishDeps, publishCreated } from './messages.publish.ts';
import { sharedIndex } from './messages.shared.ts';

/** Media hooks (modules/media): attachments must be the sender's own unattached uploads. */
export type AttachmentHooks = {
  /** Throws a 400 naming the bad attachment. Runs before the message is stored. */
  validate(userId: string, ids: string[], clientMsgId: string | null): Promise<void>;
  /** Links the uploads to the stored message. */
  attach(userId: string, ids: string[], message: { id: string; conversationId: string }): Promise<void>;
  /** The message was deleted for everyone: its files go too. */
  release(messageId: string): Promise<void>;
};

/** Media hooks (modules/media): stores an uploaded group avatar; `apply` makes it the conversation's. */
export type ConversationAvatars = {
  /** The per-account upload rate, run before the body is read. */
  limiter: RequestHandler;
  upload(
    req: Request,
    userId: string,
    conversationId: string,
    apply: (avatarUrl: string) => Promise<void>,
  ): Promise<{ avatarUrl: string }>;
};

/** Local language detection (modules/translation): ISO 639-1 or 'unknown'. */
export type LanguageDetection = { detect(text: string): Promise<string> };

export type MessagesDeps = PublishDeps & {
  storage: Storage;
  fanout: Fanout;
  attachments?: AttachmentHooks;
  languages?: LanguageDetection;
  /** Told after a message's text was stored and published (link previews). */
  contentEvents?: MessageContentEvents;
};
export type SendBody = z.output<typeof sendMessageRequestSchema>;

const SNAPSHOT_CHARS = 200;
/** `@name` at a word start; usernames are 3–32 of letters, digits, `_` and `.` (no trailing dot). */
const MENTION = /(?<![\w@])@([A-Za-z0-9_.]{2,31}[A-Za-z0-9_])/g;

export function createMessagesService(deps: MessagesDeps, conversations: ConversationsService) {
  const { storage, fanout, clock, serial } = deps;
  const { standing } = conversations;
  const shared = sharedIndex(storage);

  /** The message and the caller's membership, or 404 when the caller may not see it. */
  async function visibleMessage(userId: string, messageId: string): Promise<{ message: MessageRecord } & Membership> {
    const message = await storage.messages.findById(messageId);
    if (!message) throw notFound('Message');
    let m: Membership;
    try {
      m = await requireMember(storage, message.conversationId, userId);
    } catch {
      throw notFound('Message');
    }
    if (message.seq <= visibilityFloor(m.conversation, m.me)) throw notFound('Message');
    return { message, ...m };
  }

  /** Direct chats: refused while either side blocks the other; a peer who left gets the chat back. */
  async function checkDirect(m: Membership, userId: string): Promise<void> {
    if (m.conversation.kind !== 'direct') return;
    const peerId = directPeerId(m.conversation, userId);
    if (!peerId) return;
    if (await storage.blocks.isBlockedEitherWay(userId, peerId)) throw forbidden('You cannot message this user');
    const peer = await storage.participants.find(m.conversation.id, peerId);
    if (peer?.leftAt) {
      await storage.conversations.createDirect(userId, peerId, clock.now(), { encrypted: m.conversation.encrypted });
      await conversations.announceTo(m.conversation.id, [peerId]);
    }
  }

  async function replySnapshot(m: Membership, replyToId: string): Promise<ReplySnapshot> {
    const original = await storage.messages.findById(replyToId);
    if (
      !original ||
      original.conversationId !== m.conversation.id ||
      original.seq <= visibilityFloor(m.conversation, m.me)
    )
      throw badRequest('The message you reply to is not in this conversation', { replyToId: ['Unknown message'] });
    return {
      id: original.id,
      senderId: original.senderId,
      kind: original.kind,
      text: original.deletedAt ? '' : original.text.slice(0, SNAPSHOT_CHARS),
    };
  }

  /**
   * Mentioned members: the ids the client sent plus `@username` tokens in the text (so API clients
   * and scripts get mentions too). Non-members are dropped.
   */
  async function membersOnly(conversation: ConversationRecord, ids: string[], text = ''): Promise<string[]> {
    const conversationId = conversation.id;
    // Never parse text the server may not read (content-policy.ts).
    const parsed = serverMayReadContent(conversation) ? [...text.matchAll(MENTION)] : [];
    const names = [...new Set(parsed.map((m) => m[1] ?? ''))].slice(0, 10);
    if (ids.length === 0 && names.length === 0) return [];
    const [members, named] = await Promise.all([
      storage.participants.listUserIds(conversationId),
      Promise.all(names.map((n) => storage.users.findByUsername(n))),
    ]);
    const memberSet = new Set(members);
    const fromText = named.flatMap((u) => (u && !u.deletedAt ? [u.id] : []));
    return [...new Set([...ids, ...fromText])].filter((id) => memberSet.has(id));
  }

  /** Detected language of text the server may read; null for encrypted conversations and empty text. */
  async function languageOf(conversation: ConversationRecord, text: string): Promise<string | null> {
    if (!deps.languages || !text.trim() || !serverMayReadContent(conversation)) return null;
    return deps.languages.detect(text);
  }

  function publishReceipt(p: ParticipantRecord, written: Committed): void {
    const receipt: Receipt = {
      conversationId: p.conversationId,
      userId: p.userId,
      lastReadSeq: p.lastReadSeq,
      lastDeliveredSeq: p.lastDeliveredSeq,
    };
    fanout.toUsers(written.memberIds, 'receipt:updated', { ...receipt, changeSeq: written.changeSeq });
  }

  /**
   * The one delete-for-everyone path, for the sender, a group admin and a site admin: the
   * tombstone, the event to every member, the files, and an audit entry when it was moderation.
   * Returns the message as it now stands (already deleted: unchanged).
   */
  async function deleteForEveryone(
    actorId: string,
    message: MessageRecord,
    by: 'sender' | 'group_admin' | 'site_admin',
  ): Promise<MessageRecord> {
    if (message.deletedAt) return message;
    const { id: messageId, conversationId } = message;
    const tombstone = await serial(conversationId, async () => {
      const t = await storage.messages.deleteForEveryone(messageId, actorId, clock.now());
      if (!t) return null;
      fanout.toUsers(t.memberIds, 'message:deleted', {
        conversationId,
        messageId,
        seq: message.seq,
        scope: 'everyone',
        message: toMessageDto(t.message),
        changeSeq: t.changeSeq,
      });
      return t.message;
    });
    // Someone else deleted it in the meantime.
    if (!tombstone) return (await storage.messages.findById(messageId)) ?? message;
    await shared.drop(messageId);
    await deps.attachments?.release(messageId);
    if (by !== 'sender')
      await storage.auditLog.append({
        actorId,
        action: 'message.deleted',
        targetType: 'message',
        targetId: messageId,
        conversationId,
        details: { senderId: message.senderId, by },
        createdAt: clock.now(),
      });
    return tombstone;
  }

  return {
    /** Idempotent on (sender, clientMsgId): a retry returns the original and publishes nothing. */
    async send(
      userId: string,
      conversationId: string,
      body: SendBody,
    ): Promise<{ message: Message; created: boolean }> {
      const m = await requireMember(storage, conversationId, userId);
      assertPlaintextAllowed(m.conversation);
      requirePost(m.conversation, m.me, await standing(userId));
      await checkDirect(m, userId);
      await deps.attachments?.validate(userId, body.attachments, body.clientMsgId);
      const [replyTo, mentions, language] = await Promise.all([
        body.replyToId ? replySnapshot(m, body.replyToId) : Promise.resolve(null),
        membersOnly(m.conversation, body.mentions, body.text),
        languageOf(m.conversation, body.text),
      ]);
      const result = await serial(conversationId, async () => {
        const r = await storage.messages.send({
          conversationId,
          senderId: userId,
          clientMsgId: body.clientMsgId,
          kind: body.attachments.length ? 'media' : 'text',
          text: body.text,
          attachments: body.attachments,
          replyTo,
          mentions,
          language,
          now: clock.now(),
        });
        // A clientMsgId reused in another conversation is still the same message: the original comes back.
        if (r?.created) {
          await deps.attachments?.attach(userId, body.attachments, r.message);
          publishCreated(deps, r);
          await shared.record(r.message, m.conversation);
          deps.contentEvents?.emit({ message: r.message, how: 'sent' });
        }
        return r;
      });
      if (!result) throw notFound('Conversation');
      return { message: toMessageDto(result.message), created: result.created };
    },

    async edit(userId: string, messageId: string, text: string, mentions?: string[]): Promise<Message> {
      const { message, conversation, me } = await visibleMessage(userId, messageId);
      assertPlaintextAllowed(conversation);
      if (message.senderId !== userId || message.kind === 'system')
        throw forbidden('You can only edit your own messages');
      if (message.deletedAt) throw notFound('Message');
      const rules = await currentSpaceRules(storage);
      if (
        rules?.editWindowSeconds != null &&
        clock.now().getTime() - message.createdAt.getTime() > rules.editWindowSeconds * 1000
      )
        throw forbidden('This message can no longer be edited');
      // An edit is a new post (new text, new mentions): a member who may no longer post may not edit.
      requirePost(conversation, me, await standing(userId));
      const [newMentions, language] = await Promise.all([
        membersOnly(conversation, mentions ?? message.mentions, text),
        languageOf(conversation, text),
      ]);
      const dto = await serial(message.conversationId, async () => {
        const edited = await storage.messages.edit(
          messageId,
          { text, mentions: newMentions, language },
          userId,
          clock.now(),
        );
        if (!edited) return null;
        const out = toMessageDto(edited.message);
        await shared.relink(edited.message, conversation);
        fanout.toUsers(edited.memberIds, 'message:updated', { message: out, changeSeq: edited.changeSeq });
        deps.contentEvents?.emit({ message: edited.message, how: 'edited' });
        return out;
      });
      if (!dto) throw notFound('Message');
      return dto;
    },

    /** everyone: the sender, or a group/channel admin; leaves a tombstone. me: hides it for the caller only. */
    async remove(userId: string, messageId: string, scope: DeleteScope): Promise<Message | null> {
      const { message, conversation, me } = await visibleMessage(userId, messageId);
      if (scope === 'me') {
        await serial(conversation.id, async () => {
          const hidden = await storage.messages.hideForUser(messageId, userId, clock.now());
          // Already hidden: the caller's devices were told then.
          if (!hidden) return;
          fanout.toUsers([userId], 'message:deleted', {
            conversationId: conversation.id,
            messageId,
            seq: message.seq,
            scope: 'me',
            message: null,
            changeSeq: hidden.changeSeq,
          });
        });
        return null;
      }
      const isAdmin = conversation.kind !== 'direct' && (me.role === 'admin' || me.role === 'owner');
      if (message.senderId !== userId && !isAdmin)
        throw forbidden('You can only delete your own messages for everyone');
      const by = message.senderId === userId ? 'sender' : 'group_admin';
      return toMessageDto(await deleteForEveryone(userId, message, by));
    },

    /** A site admin deletes any message for everyone (GET /admin/audit records it). */
    async removeAsSiteAdmin(actorId: string, messageId: string): Promise<void> {
      const message = await storage.messages.findById(messageId);
      if (!message) throw notFound('Message');
      await deleteForEveryone(actorId, message, 'site_admin');
    },

    /** Copies a message into other conversations, marked forwarded, keeping the original author. */
    async forward(userId: string, messageId: string, targetIds: string[], clientMsgId: string): Promise<Message[]> {
      const { message, conversation } = await visibleMessage(userId, messageId);
      assertPlaintextAllowed(conversation);
      if (message.deletedAt || message.kind === 'system') throw badRequest('This message cannot be forwarded');
      const targets = [...new Set(targetIds)];
      const memberships = await Promise.all(targets.map((id) => requireMember(storage, id, userId)));
      for (const m of memberships) assertPlaintextAllowed(m.conversation);
      const viewer = await standing(userId);
      for (const m of memberships) requirePost(m.conversation, m.me, viewer);
      for (const m of memberships) await checkDirect(m, userId);
      const forwardedFrom = message.forwardedFrom ?? {
        messageId: message.id,
        conversationId: message.conversationId,
        senderId: message.senderId,
      };
      const out: Message[] = [];
      for (const [i, conversationId] of targets.entries()) {
        const result = await serial(conversationId, async () => {
          const r = await storage.messages.send({
            conversationId,
            senderId: userId,
            clientMsgId: `${clientMsgId}:${i}`,
            kind: message.kind,
            text: message.text,
            attachments: message.attachments,
            forwardedFrom,
            language: memberships[i] && serverMayReadContent(memberships[i].conversation) ? message.language : null,
            now: clock.now(),
          });
          if (r?.created) {
            publishCreated(deps, r);
            await shared.record(r.message, memberships[i]?.conversation ?? { encrypted: true });
            deps.contentEvents?.emit({ message: r.message, how: 'sent' });
          }
          return r;
        });
        if (!result) throw notFound('Conversation');
        out.push(toMessageDto(result.message));
      }
      return out;
    },

    async react(userId: string, messageId: string, emoji: string, on: boolean): Promise<ReactionSummary[]> {
      const { message, conversation, me } = await visibleMessage(userId, messageId);
      assertPlaintextAllowed(conversation);
      if (message.deletedAt) throw notFound('Message');
      const restriction = on ? postRestriction(conversation, me, await standing(userId)) : null;
      // Taking one's own reaction back is always allowed; adding one follows the posting rule.
      if (on && restriction) throw postingError(restriction);
      const result = await serial(message.conversationId, async () => {
        const r = await storage.messages.setReaction(messageId, userId, emoji, on, clock.now());
        if (r?.changed)
          fanout.toUsers(r.memberIds, 'reaction:updated', {
            conversationId: message.conversationId,
            messageId,
            reactions: r.message.reactions,
            userId,
            emoji,
            added: on,
            changeSeq: r.changeSeq,
          });
        return r;
      });
      if (!result) throw notFound('Message');
      return result.message.reactions;
    },

    async history(
      userId: string,
      conversationId: string,
      q: { before?: number; after?: number; around?: number; limit: number },
    ): Promise<HistoryPage> {
      const { conversation, me } = await requireReader(storage, conversationId, userId);
      const items = await storage.messages.history(conversationId, userId, q);
      const floor = visibilityFloor(conversation, me);
      const first = items[0];
      const last = items.at(-1);
      return {
        items: items.map(toMessageDto),
        hasMoreBefore: first ? first.seq > floor + 1 : false,
        hasMoreAfter: last ? last.seq < conversation.lastSeq : q.after !== undefined && q.after < conversation.lastSeq,
      };
    },

    /**
     * Who of the message's recipients got and read it, and when. Recipients are the members who were
     * there when it was sent: someone who joined later never received it (and starts "read" up to
     * the join, which must not count as having read it).
     */
    async receipts(userId: string, messageId: string): Promise<MessageReceipts> {
      const { message } = await visibleMessage(userId, messageId);
      const others: ParticipantRecord[] = [];
      let cursor: string | undefined;
      do {
        const page = await storage.participants.list(message.conversationId, {
          limit: 100,
          ...(cursor ? { cursor } : {}),
        });
        others.push(...page.items.filter((p) => p.userId !== message.senderId && p.joinedSeq < message.seq));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      const readBy = others.filter((p) => p.lastReadSeq >= message.seq).map((p) => p.userId);
      const deliveredTo = others.filter((p) => p.lastDeliveredSeq >= message.seq).map((p) => p.userId);
      const pending = others.filter((p) => p.lastDeliveredSeq < message.seq).map((p) => p.userId);
      const status =
        others.length > 0 && readBy.length === others.length
          ? 'read'
          : others.length > 0 && pending.length === 0
            ? 'delivered'
            : 'sent';
      const times = await storage.participants.receiptTimes(
        message.conversationId,
        message.seq,
        others.map((p) => p.userId),
      );
      const iso = (d: Date | null) => (d ? d.toISOString() : null);
      const members = times.map((t) => ({ userId: t.userId, deliveredAt: iso(t.deliveredAt), readAt: iso(t.readAt) }));
      return {
        messageId,
        seq: message.seq,
        sentAt: message.createdAt.toISOString(),
        status,
        members,
        readBy,
        deliveredTo,
        pending,
      };
    },

    /** Monotonic: a lower seq than stored changes nothing (and publishes nothing). */
    async markRead(userId: string, conversationId: string, seq: number): Promise<Receipt> {
      await requireMember(storage, conversationId, userId);
      const result = await serial(conversationId, async () => {
        const r = await storage.participants.markRead(conversationId, userId, seq, clock.now());
        if (r?.changed) publishReceipt(r.participant, r);
        return r;
      });
      if (!result) throw notFound('Conversation');
      const p = result.participant;
      return { conversationId, userId, lastReadSeq: p.lastReadSeq, lastDeliveredSeq: p.lastDeliveredSeq };
    },

    /** A device acknowledged messages up to seq. */
    async markDelivered(userId: string, conversationId: string, seq: number): Promise<Receipt> {
      await requireMember(storage, conversationId, userId);
      const result = await serial(conversationId, async () => {
        const r = await storage.participants.markDelivered(conversationId, userId, seq, clock.now());
        if (r?.changed) publishReceipt(r.participant, r);
        return r;
      });
      if (!result) throw notFound('Conversation');
      const p = result.participant;
      return { conversationId, userId, lastReadSeq: p.lastReadSeq, lastDeliveredSeq: p.lastDeliveredSeq };
    },
  };
}

export type MessagesService = ReturnType<typeof createMessagesService>;
