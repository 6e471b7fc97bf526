import { z } from 'zod';
import { messageSchema, reactionSummarySchema, receiptSchema } from '../dto/message.ts';
import type { AckCallback } from './ack.ts';
import {
  presenceSchema,
  socketConversationRefSchema,
  socketDeleteMessageSchema,
  socketEditMessageSchema,
  socketPresenceSubscribeSchema,
  socketReactSchema,
  socketSendMessageSchema,
  socketSeqSchema,
  socketSetPresenceSchema,
} from './events.ts';

/**
 * The socket contract: every client -> server command with the schema its payload must pass (the
 * server validates with it) and the schema of the data its ack carries (the client validates with
 * it). `ClientToServerEvents` is derived from this table, and so are the server's handler
 * registration and the client's `request()`: adding a command is one entry here and one handler.
 */
export const socketCommands = {
  /** Idempotent on (sender, clientMsgId): a retry acks the original message, nobody receives it twice. */
  'message:send': { payload: socketSendMessageSchema, ack: messageSchema },
  'message:edit': { payload: socketEditMessageSchema, ack: messageSchema },
  /** Acks the tombstone for `everyone`, null for `me`. */
  'message:delete': { payload: socketDeleteMessageSchema, ack: messageSchema.nullable() },
  /** on: true adds the emoji, false removes it. Acks the message's reactions after the change. */
  'message:react': { payload: socketReactSchema, ack: z.array(reactionSummarySchema) },
  /** A device got messages up to seq (advances lastDeliveredSeq). */
  'message:delivered': { payload: socketSeqSchema, ack: receiptSchema },
  'conversation:read': { payload: socketSeqSchema, ack: receiptSchema },
  /** Throttled by the server; expires after ~5 s unless repeated. */
  'typing:start': { payload: socketConversationRefSchema, ack: z.null() },
  'typing:stop': { payload: socketConversationRefSchema, ack: z.null() },
  'presence:set': { payload: socketSetPresenceSchema, ack: presenceSchema },
  /**
   * Follow these users' `presence` (replaces this socket's previous set; at most 500, and 2,000 over
   * all of an account's sockets). Acks their current state. Only people sharing a direct chat or
   * group with the caller, neither blocking the other, whose last-seen setting is "everyone" are
   * followed live; anyone else is acked as offline, never seen.
   */
  'presence:subscribe': { payload: socketPresenceSubscribeSchema, ack: z.array(presenceSchema) },
} as const satisfies Record<string, { payload: z.ZodType; ack: z.ZodType }>;

export type SocketCommand = keyof typeof socketCommands;
/** What a client sends (before defaults are applied). */
export type CommandPayload<C extends SocketCommand> = z.input<(typeof socketCommands)[C]['payload']>;
/** What a handler receives: the payload after validation, defaults applied. */
export type CommandInput<C extends SocketCommand> = z.output<(typeof socketCommands)[C]['payload']>;
/** The data of a successful ack. */
export type CommandResult<C extends SocketCommand> = z.output<(typeof socketCommands)[C]['ack']>;

/**
 * Socket.IO's event map for the client -> server direction, derived from the table. The ack is
 * optional: a client that does not wait for an answer (typing, delivery receipts) passes none.
 */
export type ClientToServerEvents = {
  [C in SocketCommand]: (payload: CommandPayload<C>, ack?: AckCallback<CommandResult<C>>) => void;
};

export const socketCommandNames = Object.keys(socketCommands) as SocketCommand[];
