import type { CommandHandlers } from '../realtime/realtime.types.ts';
import type { MessagesService } from './messages.service.ts';

/** Message commands over the socket: the same service calls (and checks) as REST. */
export function messageCommands(messages: MessagesService): CommandHandlers {
  return {
    'message:send': {
      limit: 'send',
      async run(p, { userId }) {
        const { conversationId, ...body } = p;
        return (await messages.send(userId, conversationId, body)).message;
      },
    },
    'message:edit': { limit: 'events', run: (p, { userId }) => messages.edit(userId, p.messageId, p.text) },
    'message:delete': { limit: 'events', run: (p, { userId }) => messages.remove(userId, p.messageId, p.for) },
    'message:react': { limit: 'events', run: (p, { userId }) => messages.react(userId, p.messageId, p.emoji, p.on) },
    'message:delivered': {
      limit: 'events',
      run: (p, { userId }) => messages.markDelivered(userId, p.conversationId, p.seq),
    },
    'conversation:read': {
      limit: 'events',
      run: (p, { userId }) => messages.markRead(userId, p.conversationId, p.seq),
    },
  };
}
