import type { Logger } from 'pino';
import { type AuthedSocket, handle } from '../realtime/realtime.handler.ts';
import type { RateLimiter } from '../realtime/realtime.rate-limit.ts';
import type { MessagesService } from './messages.service.ts';

/** Message commands over the socket: the same service calls (and checks) as REST. */
export function registerMessageEvents(
  socket: AuthedSocket,
  deps: { messages: MessagesService; logger: Logger; sendLimiter: RateLimiter; eventLimiter: RateLimiter },
): void {
  const { messages, logger, sendLimiter, eventLimiter } = deps;
  handle(socket, 'message:send', { limiter: sendLimiter, logger }, async (p, userId) => {
    const { conversationId, ...body } = p;
    return (await messages.send(userId, conversationId, body)).message;
  });
  handle(socket, 'message:edit', { limiter: eventLimiter, logger }, (p, userId) =>
    messages.edit(userId, p.messageId, p.text),
  );
  handle(socket, 'message:delete', { limiter: eventLimiter, logger }, (p, userId) =>
    messages.remove(userId, p.messageId, p.for),
  );
  handle(socket, 'message:react', { limiter: eventLimiter, logger }, (p, userId) =>
    messages.react(userId, p.messageId, p.emoji, p.on),
  );
  handle(socket, 'message:delivered', { limiter: eventLimiter, logger }, (p, userId) =>
    messages.markDelivered(userId, p.conversationId, p.seq),
  );
  handle(socket, 'conversation:read', { limiter: eventLimiter, logger }, (p, userId) =>
    messages.markRead(userId, p.conversationId, p.seq),
  );
}
