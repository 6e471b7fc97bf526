import { EventEmitter } from 'node:events';

/** Account facts other modules react to (realtime disconnects revoked sessions at once). */
export type AccountEventMap = {
  'session:revoked': { sessionId: string; userId: string };
  'user:suspended': { userId: string };
  'user:deleted': { userId: string };
  'user:updated': { userId: string };
  /** `userId` blocked `otherId` (realtime stops presence between them). */
  'user:blocked': { userId: string; otherId: string };
};

export type AccountEventName = keyof AccountEventMap;

export type AccountEvents = {
  /** Subscribes; returns the unsubscribe function. */
  on<K extends AccountEventName>(event: K, listener: (payload: AccountEventMap[K]) => void): () => void;
  emit<K extends AccountEventName>(event: K, payload: AccountEventMap[K]): void;
};

/**
 * In-process only: with several server nodes, act on these through Socket.IO rooms (the Redis
 * adapter fans `disconnectSockets()` out to every node).
 */
export function createAccountEvents(): AccountEvents {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(50);
  return {
    on(event, listener) {
      const wrapped = (payload: AccountEventMap[typeof event]) => {
        try {
          listener(payload);
        } catch {
          // A listener's failure must not break the request that emitted the event.
        }
      };
      emitter.on(event, wrapped);
      return () => emitter.off(event, wrapped);
    },
    emit(event, payload) {
      emitter.emit(event, payload);
    },
  };
}
