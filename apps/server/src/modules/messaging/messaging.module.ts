import type { AppContext, AppModule } from '../../app-context.ts';
import { createChangesService } from './changes.service.ts';
import { createStanding } from './conversations.permissions.ts';
import { conversationsRoutes } from './conversations.routes.ts';
import { createConversationsService } from './conversations.service.ts';
import { createSerial } from './messages.publish.ts';
import { conversationMessagesRoutes, messagesRoutes } from './messages.routes.ts';
import { type AttachmentHooks, type ConversationAvatars, createMessagesService } from './messages.service.ts';
import { messageCommands } from './messages.socket.ts';
import { createParticipantsService } from './participants.service.ts';
import { createTypingSockets } from './typing.socket.ts';
import { createMemoryTyping, createRedisTyping } from './typing.state.ts';

export type MessagingDeps = {
  /** Media attachment checks (modules/media); without them attachment ids are stored unchecked. */
  attachments?: AttachmentHooks;
  /** Stores uploaded group avatars (modules/media). */
  avatars: ConversationAvatars;
};

/**
 * Messaging: conversations, members, messages, receipts, typing and the change feed, over REST
 * (/conversations, /messages) and the socket. Typing lives in Redis with REDIS_URL, so nodes agree.
 */
export function createMessagingModule(ctx: AppContext, deps: MessagingDeps) {
  const { storage, clock, fanout, requireAuth, config } = ctx;
  const base = {
    storage,
    clock,
    fanout,
    serial: createSerial(),
    standing: createStanding(storage, config.ALLOW_UNVERIFIED_CHAT),
    publicUrl: config.publicUrl,
  };
  const conversations = createConversationsService(base);
  const participants = createParticipantsService(base, conversations);
  const changes = createChangesService(base);
  const messages = createMessagesService({ ...base, attachments: deps.attachments }, conversations);
  const typing = createTypingSockets({
    ...ctx,
    typing: ctx.redis ? createRedisTyping(ctx.redis) : createMemoryTyping(),
  });

  return {
    routers: [
      {
        prefix: '/conversations',
        router: conversationsRoutes({ requireAuth, conversations, participants, changes, avatars: deps.avatars }),
      },
      { prefix: '/conversations', router: conversationMessagesRoutes({ requireAuth, messages }) },
      { prefix: '/messages', router: messagesRoutes({ requireAuth, messages }) },
    ],
    sockets: [{ commands: messageCommands(messages) }, typing],
    close: () => typing.close(),
    /** For the modules built on messaging (invites, moderation). */
    services: { conversations, messages },
    /** Runs a mutation and its event as one step per conversation. */
    serial: base.serial,
  } satisfies AppModule & Record<string, unknown>;
}

export type MessagingModule = ReturnType<typeof createMessagingModule>;
