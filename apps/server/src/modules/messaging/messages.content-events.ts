import type { MessageRecord } from '../../storage/ports.ts';

/**
 * "A message's text was written" (sent, forwarded or edited), for features that work from the text
 * after the fact (link previews). Listeners run after the write has been stored and published; they
 * never delay or fail it, and each must check the content policy itself before reading the text.
 */
export type MessageWritten = { message: MessageRecord; how: 'sent' | 'edited' };

export type MessageContentEvents = {
  emit(event: MessageWritten): void;
  on(listener: (event: MessageWritten) => void): () => void;
};

export function createMessageContentEvents(onError: (err: unknown) => void): MessageContentEvents {
  const listeners = new Set<(event: MessageWritten) => void>();
  return {
    emit(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (err) {
          onError(err);
        }
      }
    },
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
