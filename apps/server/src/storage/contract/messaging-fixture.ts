import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach } from 'vitest';
import type { ConversationRecord, MessageRecord, Storage, UserRecord } from '../ports.ts';

/** Shared set-up for the messaging contract files: a fresh storage, four users and a ticking clock. */
export type MessagingFixture = {
  readonly s: Storage;
  readonly alice: UserRecord;
  readonly bob: UserRecord;
  readonly carol: UserRecord;
  readonly dave: UserRecord;
  /** A strictly increasing time, one second per call. */
  tick(): Date;
  group(
    members: UserRecord[],
    options?: { historyForNewcomers?: boolean; title?: string },
  ): Promise<ConversationRecord>;
  send(
    conversationId: string,
    sender: UserRecord,
    text: string,
    extra?: { mentions?: string[] },
  ): Promise<MessageRecord>;
};

export function useMessagingFixture(open: () => Promise<Storage>): MessagingFixture {
  const state = {} as { s: Storage; alice: UserRecord; bob: UserRecord; carol: UserRecord; dave: UserRecord };
  let clock = Date.parse('2026-03-01T00:00:00.000Z');
  const tick = () => {
    clock += 1000;
    return new Date(clock);
  };
  const newUser = (name: string) =>
    state.s.users.create({
      email: `${name}-${randomUUID().slice(0, 8)}@example.com`,
      username: `${name}_${randomUUID().slice(0, 8)}`,
      displayName: name,
      passwordHash: null,
      role: 'user',
    });

  beforeEach(async () => {
    state.s = await open();
    state.alice = await newUser('alice');
    state.bob = await newUser('bob');
    state.carol = await newUser('carol');
    state.dave = await newUser('dave');
  });
  afterEach(async () => {
    await state.s.close();
  });

  return {
    get s() {
      return state.s;
    },
    get alice() {
      return state.alice;
    },
    get bob() {
      return state.bob;
    },
    get carol() {
      return state.carol;
    },
    get dave() {
      return state.dave;
    },
    tick,
    group: async ([owner, ...rest], options = {}) => {
      if (!owner) throw new Error('group needs an owner');
      return state.s.conversations.create({
        kind: 'group',
        title: options.title ?? 'Group',
        createdBy: owner.id,
        historyForNewcomers: options.historyForNewcomers ?? false,
        members: rest.map((u) => ({ userId: u.id, role: 'member' as const })),
        now: tick(),
      });
    },
    send: async (conversationId, sender, text, extra = {}) => {
      const res = await state.s.messages.send({
        conversationId,
        senderId: sender.id,
        clientMsgId: randomUUID(),
        kind: 'text',
        text,
        mentions: extra.mentions ?? [],
        now: tick(),
      });
      if (!res) throw new Error('send returned null');
      return res.message;
    },
  };
}
