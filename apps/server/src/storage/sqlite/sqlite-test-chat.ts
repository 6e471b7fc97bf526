import type { Storage } from '../ports.ts';

/** Test fixture: one user alone in a group, and a `send` that posts text there (returns the message id). */
export async function soloChat(storage: Storage) {
  const user = await storage.users.create({
    email: 'a@example.com',
    username: 'a',
    displayName: 'a',
    passwordHash: null,
    role: 'user',
  });
  const group = await storage.conversations.create({ kind: 'group', title: 'g', createdBy: user.id, now: new Date() });
  let n = 0;
  const send = async (text: string): Promise<string> => {
    const res = await storage.messages.send({
      conversationId: group.id,
      senderId: user.id,
      clientMsgId: `m${n++}`,
      kind: 'text',
      text,
      now: new Date(),
    });
    return res?.message.id ?? '';
  };
  return { user, group, send };
}
