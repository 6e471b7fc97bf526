import { randomBytes } from 'node:crypto';
import {
  type CreateInviteRequest,
  type Invite,
  type InvitePreview,
  inviteDesktopUrl,
  inviteWebUrl,
} from '@charla/shared-types';
import { AppError, notFound } from '../../http/errors.ts';
import { DuplicateKeyError, type InviteRecord, type Storage } from '../../storage/ports.ts';
import { currentSpaceId } from '../../storage/spaces/space-scope.ts';
import { removedError, requireMember, requireRole } from '../messaging/conversations.access.ts';
import type { ConversationsService } from '../messaging/conversations.service.ts';
import { type PublishDeps, postSystemMessage } from '../messaging/messages.publish.ts';

/** 16 random bytes: unguessable, so a link is the only way in. */
const newCode = () => randomBytes(16).toString('base64url');

/** Not revoked, not expired, not used up: what may be joined or previewed, also by public pages. */
export const inviteIsUsable = (invite: InviteRecord, now: Date): boolean =>
  !invite.revokedAt &&
  !(invite.expiresAt && invite.expiresAt <= now) &&
  !(invite.maxUses !== null && invite.uses >= invite.maxUses);

export function createInvitesService(
  deps: PublishDeps & { storage: Storage; webUrl: string },
  conversations: ConversationsService,
) {
  const { storage, clock } = deps;
  const toDto = (r: InviteRecord): Invite => ({
    code: r.code,
    conversationId: r.conversationId,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt ? r.expiresAt.toISOString() : null,
    maxUses: r.maxUses,
    uses: r.uses,
    revokedAt: r.revokedAt ? r.revokedAt.toISOString() : null,
    webUrl: inviteWebUrl(deps.webUrl, r.code, currentSpaceId()),
    desktopUrl: inviteDesktopUrl(r.code),
  });

  /** A usable invite, or 404 whatever the reason (no hint whether a code ever existed). */
  async function usable(code: string): Promise<InviteRecord> {
    const invite = await storage.invites.findByCode(code);
    if (!invite || !inviteIsUsable(invite, clock.now())) throw notFound('Invite');
    return invite;
  }

  return {
    async create(userId: string, conversationId: string, body: CreateInviteRequest): Promise<Invite> {
      const m = await requireMember(storage, conversationId, userId);
      requireRole(m, 'admin', 'create invite links');
      const now = clock.now();
      for (let attempt = 0; ; attempt++) {
        try {
          const record = await storage.invites.create({
            code: newCode(),
            conversationId,
            createdBy: userId,
            expiresAt: body.expiresInSeconds ? new Date(now.getTime() + body.expiresInSeconds * 1000) : null,
            maxUses: body.maxUses ?? null,
            now,
          });
          return toDto(record);
        } catch (err) {
          if (!(err instanceof DuplicateKeyError) || attempt >= 2) throw err;
        }
      }
    },

    async list(userId: string, conversationId: string): Promise<Invite[]> {
      const m = await requireMember(storage, conversationId, userId);
      requireRole(m, 'admin', 'see invite links');
      return (await storage.invites.listForConversation(conversationId)).map(toDto);
    },

    async revoke(userId: string, conversationId: string, code: string): Promise<void> {
      const m = await requireMember(storage, conversationId, userId);
      requireRole(m, 'admin', 'revoke invite links');
      const invite = await storage.invites.findByCode(code);
      if (!invite || invite.conversationId !== conversationId) throw notFound('Invite');
      await storage.invites.revoke(code, clock.now());
    },

    async preview(userId: string, code: string): Promise<InvitePreview> {
      const invite = await usable(code);
      const [c, me, memberCount] = await Promise.all([
        storage.conversations.findById(invite.conversationId),
        storage.participants.find(invite.conversationId, userId),
        storage.participants.countActive(invite.conversationId),
      ]);
      if (!c || c.deletedAt) throw notFound('Invite');
      return {
        code,
        conversation: {
          id: c.id,
          kind: c.kind,
          title: c.title,
          description: c.description ?? '',
          avatarUrl: c.avatarUrl,
          memberCount,
        },
        alreadyMember: Boolean(me && !me.leftAt),
        expiresAt: invite.expiresAt ? invite.expiresAt.toISOString() : null,
      };
    },

    async accept(userId: string, code: string) {
      const invite = await storage.invites.findByCode(code);
      if (!invite) throw notFound('Invite');
      // Join and its event as one step of the conversation's ordered event stream.
      const result = await deps.serial(invite.conversationId, async () => {
        const r = await storage.invites.accept(code, userId, clock.now());
        if (r.status === 'joined') await conversations.publishJoined(r);
        return r;
      });
      if (!('conversation' in result)) {
        // Gone (410) for links that did exist but no longer work; unknown and revoked ones are 404.
        if (result.status === 'expired') throw new AppError(410, 'not_found', 'This invite link has expired');
        if (result.status === 'exhausted') throw new AppError(410, 'not_found', 'This invite link was used up');
        if (result.status === 'removed') throw removedError();
        throw notFound('Invite');
      }
      if (result.status === 'joined') {
        await postSystemMessage(deps, result.conversation.id, 'joined', userId);
        await conversations.announceTo(result.conversation.id, [userId]);
      }
      const summary = await conversations.summaryFor(result.conversation.id, userId);
      if (!summary) throw notFound('Invite');
      return { conversation: summary, joined: result.status === 'joined' };
    },
  };
}

export type InvitesService = ReturnType<typeof createInvitesService>;
