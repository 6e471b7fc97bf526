import { AppError } from '../../http/errors.ts';
import type { ConversationRecord, Storage } from '../../storage/ports.ts';

/**
 * The one place that answers "may the server read this conversation's content?". End-to-end
 * encrypted conversations hold only ciphertext: anything on the server that reads message text
 * (search, mention parsing, link previews, translation, push payloads, points rules) asks here and
 * does nothing with content when the answer is no; the client does what it can locally.
 */
export function serverMayReadContent(conversation: Pick<ConversationRecord, 'encrypted'>): boolean {
  return !conversation.encrypted;
}

export type ContentPolicy = {
  /** False for encrypted (and unknown) conversations. */
  mayRead(conversationId: string): Promise<boolean>;
  /** The subset of `conversationIds` whose content the server may read. */
  readable(conversationIds: Iterable<string>): Promise<Set<string>>;
};

export function createContentPolicy(storage: Pick<Storage, 'conversations'>): ContentPolicy {
  const mayRead = async (conversationId: string): Promise<boolean> => {
    const c = await storage.conversations.findById(conversationId);
    return c !== null && serverMayReadContent(c);
  };
  return {
    mayRead,
    async readable(conversationIds) {
      const ids = [...new Set(conversationIds)];
      const verdicts = await Promise.all(ids.map(mayRead));
      return new Set(ids.filter((_, i) => verdicts[i]));
    },
  };
}

/**
 * Plain-text writes (send, edit, react, forward) are refused in an encrypted conversation: a client
 * that tried would leak plaintext to the server. Encrypted clients post MLS ciphertext to /e2ee instead.
 * @public (used by the e2ee branch's messaging; copied here verbatim with it)
 */
export function assertPlaintextAllowed(conversation: Pick<ConversationRecord, 'encrypted'>): void {
  if (!serverMayReadContent(conversation))
    throw new AppError(
      409,
      'encrypted_conversation',
      'This conversation is end-to-end encrypted: send through the encrypted client',
    );
}
