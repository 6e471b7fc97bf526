import {
  API_PREFIX,
  type ConversationDetails,
  type ConversationSummary,
  type createConversationRequestSchema,
  type DirectoryEntry,
  type Page,
  type UpdateConversationRequest,
} from '@charla/shared-types';
import type { z } from 'zod';
import { badRequest, conflict, forbidden, notFound, validationFailed } from '../../http/errors.ts';
import type {
  Committed,
  ConversationPatch,
  ConversationRecord,
  ParticipantRecord,
  Storage,
} from '../../storage/ports.ts';
import { inCurrentSpace, mayCreateChannelHere } from '../../storage/spaces/space-members.ts';
import type { Fanout } from '../realtime/realtime.fanout.ts';
import { removedError, requireMember, requireReader, requireRole } from './conversations.access.ts';
import { createUserCards, toConversationDto, toParticipantDto, toSummary } from './conversations.mapper.ts';
import { everyoneMayChat, permissionsFor, requireChat, type Standing } from './conversations.permissions.ts';
import { toPreview } from './messages.mapper.ts';
import { type PublishDeps, postSystemMessage } from './messages.publish.ts';

export type ConversationsDeps = PublishDeps & {
  storage: Storage;
  fanout: Fanout;
  /** Whether an account may chat (ALLOW_UNVERIFIED_CHAT); everyone when omitted. */
  standing?: Standing;
  /** PUBLIC_URL: a conversation avatar must be this server's own media (see ownAvatarMedia). */
  publicUrl?: string;
};

/**
 * The media id behind `url` when it is this server's media URL (`PUBLIC_URL/api/v1/media/<id>…`), else
 * null. A conversation picture is loaded by every member's client: a foreign URL (a tracking pixel on
 * someone's image host) must never get in.
 */
export function ownMediaId(url: string, publicUrl: string | undefined): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (publicUrl && u.origin !== new URL(publicUrl).origin) return null;
  const prefix = `${API_PREFIX}/media/`;
  const id = u.pathname.startsWith(prefix) ? u.pathname.slice(prefix.length) : '';
  return /^[\w-]{1,64}$/.test(id) ? id : null;
}
type CreateBody = z.output<typeof createConversationRequestSchema>;

/** A user we may talk to: exists, not deleted, not blocked either way with `actorId`. */
async function requireReachableUser(storage: Storage, actorId: string, userId: string): Promise<void> {
  const user = await storage.users.findById(userId);
  if (!user || user.deletedAt || !(await inCurrentSpace(storage, userId))) throw notFound('User');
  if (await storage.blocks.isBlockedEitherWay(actorId, userId))
    throw forbidden('You cannot start a conversation with this user');
}

export function createConversationsService(deps: ConversationsDeps) {
  const { storage, fanout, clock, serial } = deps;
  const standing = deps.standing ?? everyoneMayChat;

  async function summaryFor(conversationId: string, userId: string): Promise<ConversationSummary | null> {
    const item = await storage.conversations.getForUser(conversationId, userId);
    return item ? toSummary(item, userId, storage, createUserCards(storage), await standing(userId)) : null;
  }

  /** conversation:created, personalised (unread, my state) for each new member. */
  async function announceTo(conversationId: string, userIds: string[]): Promise<void> {
    await Promise.all(
      userIds.map(async (uid) => {
        const conversation = await summaryFor(conversationId, uid);
        if (conversation) fanout.toUsers([uid], 'conversation:created', { conversation });
      }),
    );
  }

  async function publishConversationUpdated(
    updated: Committed & { conversation: ConversationRecord },
    actorId: string,
  ): Promise<void> {
    const c = updated.conversation;
    // Every member sees the same shared part; the peer card of a direct chat depends on the viewer,
    // but direct chats have nothing editable, so the actor's view is everyone's.
    const conversation = await toConversationDto(c, actorId, storage, createUserCards(storage));
    fanout.toUsers(updated.memberIds, 'conversation:updated', {
      conversationId: c.id,
      conversation,
      me: null,
      changeSeq: updated.changeSeq,
    });
  }

  async function publishJoined(added: Committed & { participant: ParticipantRecord }): Promise<void> {
    const p = added.participant;
    const participant = await toParticipantDto(p, createUserCards(storage));
    fanout.toUsers(added.memberIds, 'participant:joined', {
      conversationId: p.conversationId,
      participant,
      changeSeq: added.changeSeq,
    });
  }

  /** `left`: what removing the member returned (the members who stay, the counter). */
  function publishLeft(conversationId: string, userId: string, reason: 'left' | 'removed', left: Committed): void {
    fanout.toUsers(left.memberIds, 'participant:left', { conversationId, userId, reason, changeSeq: left.changeSeq });
    fanout.toUsers([userId], 'conversation:removed', { conversationId, reason });
  }

  /** Only the picture uploaded for this conversation (PUT /conversations/:id/avatar) may be its avatar. */
  async function requireOwnAvatar(conversationId: string, url: string): Promise<void> {
    const id = ownMediaId(url, deps.publicUrl);
    const media = id ? await storage.media.findById(id) : null;
    if (media?.avatarOf?.type !== 'conversation' || media.avatarOf.id !== conversationId)
      throw validationFailed(
        { avatarUrl: ['Upload the picture for this conversation; other addresses are not accepted'] },
        'A conversation picture must be uploaded to this server',
      );
  }

  async function get(userId: string, conversationId: string): Promise<ConversationDetails> {
    const { conversation, me } = await requireReader(storage, conversationId, userId);
    if (me) {
      const summary = await summaryFor(conversationId, userId);
      if (summary) return summary;
    }
    // A public channel read by a non-member: shared state only.
    const cards = createUserCards(storage);
    const [dto, last, former] = await Promise.all([
      toConversationDto(conversation, userId, storage, cards),
      storage.messages.history(conversationId, userId, { limit: 1 }),
      storage.participants.find(conversationId, userId),
    ]);
    const lastMessage = last[0] ? toPreview(last[0]) : null;
    return {
      ...dto,
      lastMessage,
      unreadCount: 0,
      unreadMentions: 0,
      me: null,
      permissions: permissionsFor(conversation, null, undefined, former?.leftReason === 'removed'),
    };
  }

  return {
    summaryFor,
    announceTo,
    standing,
    publishJoined,
    publishLeft,
    publishConversationUpdated,

    async list(
      userId: string,
      q: { limit: number; cursor?: string; archived?: boolean },
    ): Promise<Page<ConversationSummary>> {
      const page = await storage.conversations.listForUser(userId, {
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
        ...(q.archived !== undefined ? { archived: q.archived } : {}),
      });
      const cards = createUserCards(storage);
      const viewer = await standing(userId);
      return {
        items: await Promise.all(page.items.map((item) => toSummary(item, userId, storage, cards, viewer))),
        nextCursor: page.nextCursor,
      };
    },

    get,

    async create(userId: string, body: CreateBody): Promise<{ conversation: ConversationSummary; created: boolean }> {
      await requireChat(standing, userId);
      const now = clock.now();
      if (body.kind === 'direct') {
        if (body.userId === userId) throw badRequest('You cannot start a direct chat with yourself');
        await requireReachableUser(storage, userId, body.userId);
        const { conversation, created } = await storage.conversations.createDirect(userId, body.userId, now, {
          encrypted: body.encrypted,
        });
        if (created && conversation.encrypted) await postSystemMessage(deps, conversation.id, 'e2ee_enabled', userId);
        const summary = await summaryFor(conversation.id, userId);
        if (!summary) throw notFound('Conversation');
        if (created) await announceTo(conversation.id, [userId, body.userId]);
        return { conversation: summary, created };
      }
      if (body.kind === 'channel' && !(await mayCreateChannelHere(storage, userId)))
        throw forbidden('In this space only admins can create channels');
      let members: string[] = [];
      if (body.kind === 'group') {
        members = [...new Set(body.memberIds)].filter((id) => id !== userId);
        for (const id of members) await requireReachableUser(storage, userId, id);
      }
      const conversation = await storage.conversations.create({
        kind: body.kind,
        title: body.title,
        description: body.description,
        createdBy: userId,
        // Newcomers to an encrypted group cannot decrypt what came before they joined.
        historyForNewcomers: body.kind === 'group' ? body.historyForNewcomers && !body.encrypted : true,
        encrypted: body.kind === 'group' && body.encrypted,
        onlyAdminsPost: body.onlyAdminsPost,
        members: members.map((id) => ({ userId: id, role: 'member' as const })),
        now,
      });
      await postSystemMessage(deps, conversation.id, 'created', userId, [], body.title);
      if (conversation.encrypted) await postSystemMessage(deps, conversation.id, 'e2ee_enabled', userId);
      await announceTo(conversation.id, [userId, ...members]);
      const summary = await summaryFor(conversation.id, userId);
      if (!summary) throw notFound('Conversation');
      return { conversation: summary, created: true };
    },

    async update(
      userId: string,
      conversationId: string,
      patch: UpdateConversationRequest,
    ): Promise<ConversationDetails> {
      const m = await requireMember(storage, conversationId, userId);
      requireRole(m, 'admin', 'change the group');
      const c = m.conversation;
      const changes: ConversationPatch = {};
      const notes: [Parameters<typeof postSystemMessage>[2], string | null][] = [];
      if (patch.title !== undefined && patch.title !== c.title) {
        changes.title = patch.title;
        notes.push(['title_changed', patch.title]);
      }
      if (patch.description !== undefined && patch.description !== (c.description ?? '')) {
        changes.description = patch.description;
        notes.push(['description_changed', patch.description]);
      }
      if (patch.avatarUrl !== undefined && patch.avatarUrl !== c.avatarUrl) {
        if (patch.avatarUrl !== null) await requireOwnAvatar(conversationId, patch.avatarUrl);
        changes.avatarUrl = patch.avatarUrl;
        notes.push(['avatar_changed', patch.avatarUrl]);
      }
      if (patch.historyForNewcomers && c.encrypted)
        throw badRequest('Newcomers cannot read earlier messages of an encrypted group', {
          historyForNewcomers: ['Not available in encrypted groups'],
        });
      if (patch.historyForNewcomers !== undefined && patch.historyForNewcomers !== c.historyForNewcomers) {
        changes.historyForNewcomers = patch.historyForNewcomers;
        notes.push(['history_visibility_changed', String(patch.historyForNewcomers)]);
      }
      if (patch.onlyAdminsPost !== undefined && patch.onlyAdminsPost !== c.onlyAdminsPost) {
        changes.onlyAdminsPost = patch.onlyAdminsPost;
        notes.push(['posting_changed', String(patch.onlyAdminsPost)]);
      }
      if (Object.keys(changes).length) {
        const updated = await serial(conversationId, async () => {
          const u = await storage.conversations.update(conversationId, changes, userId, clock.now());
          if (u) await publishConversationUpdated(u, userId);
          return u;
        });
        if (!updated) throw notFound('Conversation');
        for (const [type, value] of notes) await postSystemMessage(deps, conversationId, type, userId, [], value);
      }
      return get(userId, conversationId);
    },

    async remove(userId: string, conversationId: string): Promise<void> {
      const m = await requireMember(storage, conversationId, userId);
      if (m.conversation.kind === 'direct') {
        // Nobody owns a direct chat: "delete" takes it off my list; a new message from either side revives it.
        await storage.participants.remove(conversationId, userId, 'left', userId, clock.now());
        fanout.toUsers([userId], 'conversation:removed', { conversationId, reason: 'left' });
        return;
      }
      requireRole(m, 'owner', 'delete the conversation');
      const deleted = await storage.conversations.softDelete(conversationId, userId, clock.now());
      if (!deleted) throw notFound('Conversation');
      fanout.toUsers(deleted.memberIds, 'conversation:removed', { conversationId, reason: 'deleted' });
    },

    async directory(userId: string, q: { q: string; limit: number; cursor?: string }): Promise<Page<DirectoryEntry>> {
      const page = await storage.conversations.searchPublic(q.q, {
        limit: q.limit,
        ...(q.cursor ? { cursor: q.cursor } : {}),
      });
      const cards = createUserCards(storage);
      const items = await Promise.all(
        page.items.map(async (c) => {
          const [dto, me] = await Promise.all([
            toConversationDto(c, userId, storage, cards),
            storage.participants.find(c.id, userId),
          ]);
          return { ...dto, memberCount: c.memberCount, joined: Boolean(me && !me.leftAt) };
        }),
      );
      return { items, nextCursor: page.nextCursor };
    },

    /** Public channels only; groups are joined through invites (their existence stays hidden). */
    async join(userId: string, conversationId: string): Promise<ConversationSummary> {
      const c = await storage.conversations.findById(conversationId);
      if (!c || c.deletedAt || c.kind !== 'channel') throw notFound('Conversation');
      if ((await storage.participants.find(conversationId, userId))?.leftReason === 'removed') throw removedError();
      const result = await serial(conversationId, async () => {
        const r = await storage.participants.add(conversationId, userId, 'member', userId, clock.now());
        if (r?.added) await publishJoined(r);
        return r;
      });
      if (!result) throw notFound('Conversation');
      if (result.added) {
        await postSystemMessage(deps, conversationId, 'joined', userId);
        await announceTo(conversationId, [userId]);
      }
      const summary = await summaryFor(conversationId, userId);
      if (!summary) throw notFound('Conversation');
      return summary;
    },

    async leave(userId: string, conversationId: string): Promise<void> {
      const m = await requireMember(storage, conversationId, userId);
      if (m.conversation.kind !== 'direct' && m.me.role === 'owner') {
        const [owners, members] = await Promise.all([
          storage.participants.countOwners(conversationId),
          storage.participants.countActive(conversationId),
        ]);
        if (owners <= 1 && members > 1)
          throw conflict('You are the last owner: make someone else owner before leaving');
      }
      await postSystemMessage(deps, conversationId, 'left', userId);
      await serial(conversationId, async () => {
        const left = await storage.participants.remove(conversationId, userId, 'left', userId, clock.now());
        if (left) publishLeft(conversationId, userId, 'left', left);
      });
      // Links someone made stop working once they are gone (they could not revoke them any more).
      await storage.invites.revokeByCreator(conversationId, userId, clock.now());
    },
  };
}

export type ConversationsService = ReturnType<typeof createConversationsService>;
