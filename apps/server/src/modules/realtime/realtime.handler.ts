import {
  type Ack,
  type CommandInput,
  type CommandResult,
  type ErrorCode,
  type SocketCommand,
  socketCommands,
} from '@charla/shared-types';
import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import { retryAfterOf } from '../../http/envelope.ts';
import { toAppError } from '../../http/error-handler.ts';
import { fieldErrors } from '../../http/validate.ts';
import type { RateLimiter } from './realtime.rate-limit.ts';

export type AuthedSocket = Socket & { data: { userId: string; sessionId: string; role: 'user' | 'admin' } };

const fail = (code: ErrorCode, message: string): Ack<never> => ({ ok: false, error: { code, message } });

/**
 * Wraps one client command: rate limit, validation against the socket contract (shared-types
 * socket/commands.ts), the service call, and the ack, whose type the contract fixes too. Whatever
 * the client sends (wrong type, no ack callback, garbage) it gets an error ack or nothing: never a
 * crash. Service errors map like REST ones (a non-member gets not_found, exactly as over HTTP).
 */
export function handle<C extends SocketCommand>(
  socket: AuthedSocket,
  command: C,
  options: { limiter?: RateLimiter; logger: Logger },
  run: (payload: CommandInput<C>, userId: string) => Promise<CommandResult<C>>,
): void {
  const event: SocketCommand = command;
  const schema = socketCommands[event].payload;
  socket.on(event, async (...args: unknown[]) => {
    // Socket.IO passes the ack callback last: a client that sent no payload gets it as the first arg.
    const last = args.at(-1);
    const reply = typeof last === 'function' ? (last as (a: Ack<CommandResult<C>>) => void) : () => {};
    const payload = typeof last === 'function' ? args.slice(0, -1)[0] : args[0];
    try {
      if (options.limiter && !options.limiter.take(socket.id)) {
        reply(fail('rate_limited', 'Too many events, slow down'));
        return;
      }
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        const details = fieldErrors(parsed.error);
        const first = Object.entries(details)[0];
        reply(fail('validation_failed', first ? `${first[0]}: ${first[1][0]}` : 'Invalid payload'));
        return;
      }
      // The table is indexed by a generic key, so TypeScript sees the union of all payloads here.
      const data = await run(parsed.data as CommandInput<C>, socket.data.userId);
      reply({ ok: true, data });
    } catch (err) {
      const appError = toAppError(err);
      if (appError) {
        if (appError.status >= 500) options.logger.error({ err, event, userId: socket.data.userId }, appError.message);
        const retryAfter = retryAfterOf(appError);
        reply(
          retryAfter === undefined
            ? fail(appError.code, appError.message)
            : { ok: false, error: { code: appError.code, message: appError.message, retryAfter } },
        );
        return;
      }
      options.logger.error({ err, event, userId: socket.data.userId }, 'socket handler failed');
      reply(fail('internal', 'Something went wrong on our side'));
    }
  });
}
