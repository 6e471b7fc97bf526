import type { CommandInput, CommandResult, SocketCommand } from '@charla/shared-types';

/*
 * What features and the realtime transport agree on. Types only, so the composition root's
 * context (app-context.ts) can name them without loading the transport.
 */

/** The socket a command or connection event comes from. */
export type SocketCaller = {
  userId: string;
  sessionId: string;
  socketId: string;
  /** Puts this socket in rooms (e.g. presence watchers); Fanout.toRooms reaches them. */
  join(rooms: string[]): void;
};

/** Which per-socket budget a command draws from. */
export type CommandLimit = 'send' | 'events' | 'typing';

export type CommandHandler<C extends SocketCommand> = {
  limit: CommandLimit;
  run(payload: CommandInput<C>, caller: SocketCaller): Promise<CommandResult<C>>;
};

/** A feature's commands, keyed by the socket contract. */
export type CommandHandlers = { [C in SocketCommand]?: CommandHandler<C> };

/**
 * What a feature hands to the realtime transport: the commands it answers and, optionally, what
 * it does when one of a user's sockets connects or goes away. createApp passes every module's
 * features to the transport in one list; the transport imports no feature.
 */
export type SocketFeature = {
  commands: CommandHandlers;
  connected?(caller: SocketCaller): Promise<void>;
  disconnected?(caller: SocketCaller): Promise<void>;
};
