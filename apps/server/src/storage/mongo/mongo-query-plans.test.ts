import { randomUUID } from 'node:crypto';
import { describeIf } from '@charla/test-utils';
import mongoose from 'mongoose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ConversationRecord, Storage, UserRecord } from '../ports.ts';
import { openMongoStorage } from './mongo-storage.ts';

/*
 * Query plans of the MongoDB adapter, like the SQLite EXPLAIN QUERY PLAN tests: every command an
 * operation sends is captured (driver command monitoring) and explained on the real server; a
 * collection scan in any winning plan fails the test. A second group counts the commands a page
 * costs, which must not grow with the page (that one needs no explain).
 */

const uri = process.env.MONGODB_URI;
const QUERY_COMMANDS = new Set(['find', 'aggregate', 'count', 'distinct']);

type Captured = { commandName: string; command: Record<string, unknown> };

async function probeExplain(): Promise<boolean> {
  if (!uri) return false;
  const c = mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    await c.asPromise();
    const res = await c.db?.command({ explain: { count: 'charla_probe', query: {} }, verbosity: 'queryPlanner' });
    return Boolean(res?.queryPlanner);
  } catch {
    return false;
  } finally {
    await c.close();
  }
}
const explainWorks = await probeExplain();

/** A fresh database with a little of everything, opened with command capture. */
function useSeededStore() {
  const state = {} as {
    url: string;
    s: Storage;
    captured: Captured[];
    alice: UserRecord;
    bob: UserRecord;
    groups: ConversationRecord[];
  };
  beforeAll(async () => {
    const url = new URL(uri ?? '');
    url.pathname = `/charla_plans_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    state.url = url.toString();
    state.captured = [];
    state.s = await openMongoStorage(state.url, undefined, {
      onCommand: (c) => {
        if (QUERY_COMMANDS.has(c.commandName)) state.captured.push(c);
      },
    });
    const user = (name: string) =>
      state.s.users.create({
        email: `${name}@example.com`,
        username: name,
        displayName: `${name[0]?.toUpperCase()}${name.slice(1)} Tester`,
        passwordHash: null,
        role: 'user',
      });
    state.alice = await user('alice');
    state.bob = await user('bob');
    for (const name of ['anna', 'annabel', 'carl', 'dora']) await user(name);
    state.groups = [];
    for (let i = 0; i < 6; i++) {
      const g = await state.s.conversations.create({
        kind: i % 2 ? 'channel' : 'group',
        title: `Room ${i}`,
        createdBy: state.alice.id,
        members: [{ userId: state.bob.id, role: 'member' }],
        now: new Date(),
      });
      state.groups.push(g);
      for (const text of ['kiwi and mango', 'kiwi banana', `hello @bob in ${i}`]) {
        const sent = await state.s.messages.send({
          conversationId: g.id,
          senderId: state.alice.id,
          clientMsgId: randomUUID(),
          kind: 'text',
          text,
          mentions: text.startsWith('hello') ? [state.bob.id] : [],
          now: new Date(),
        });
        if (text === 'kiwi banana' && i === 0 && sent)
          await state.s.messages.hideForUser(sent.message.id, state.bob.id, new Date());
      }
    }
    await state.s.conversations.createDirect(state.alice.id, state.bob.id, new Date());
  }, 60_000);
  afterAll(async () => {
    await state.s?.close();
    const c = mongoose.createConnection(state.url);
    await c.asPromise();
    await c.dropDatabase();
    await c.close();
  });
  /** Runs `op` and returns the query commands it sent. */
  const capture = async (op: () => Promise<unknown>): Promise<Captured[]> => {
    state.captured.length = 0;
    await op();
    return [...state.captured];
  };
  return { state, capture };
}

/** Every winning plan (and SBE query plan) in an explain answer, however deeply nested. */
function winningPlans(node: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(node)) for (const v of node) winningPlans(v, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'winningPlan') out.push(v);
      else winningPlans(v, out);
    }
  }
  return out;
}

describeIf(
  explainWorks,
  uri
    ? 'the server at MONGODB_URI does not answer explain (e.g. a wire-compatible stand-in)'
    : 'no MongoDB (set MONGODB_URI)',
  'MongoDB query plans: no collection scans',
  () => {
    const { state, capture } = useSeededStore();

    async function explainAll(commands: Captured[]) {
      const c = mongoose.createConnection(state.url);
      await c.asPromise();
      try {
        const plans: { command: string; plan: string }[] = [];
        for (const { command } of commands) {
          const clean = Object.fromEntries(
            Object.entries(command).filter(
              ([k]) => !k.startsWith('$') && !['lsid', 'txnNumber', 'batchSize'].includes(k),
            ),
          );
          const res = await c.db?.command({ explain: clean, verbosity: 'queryPlanner' });
          plans.push({ command: JSON.stringify(clean), plan: JSON.stringify(winningPlans(res)) });
        }
        return plans;
      } finally {
        await c.close();
      }
    }

    async function expectIndexed(op: () => Promise<unknown>, atLeast = 1) {
      const commands = await capture(op);
      expect(commands.length).toBeGreaterThanOrEqual(atLeast);
      const plans = await explainAll(commands);
      for (const p of plans) expect(p.plan, p.command).not.toContain('"COLLSCAN"');
      return plans;
    }

    it('user search: one index range per field (username, display name, email), also with a cursor', async () => {
      const plans = await expectIndexed(() => state.s.users.search('Ann', { excludeId: state.alice.id, limit: 2 }), 3);
      for (const index of ['usernameLower_1', 'displayNameLower_1', 'email_1'])
        expect(
          plans.some((p) => p.plan.includes(`"indexName":"${index}"`)),
          index,
        ).toBe(true);
      await expectIndexed(() => state.s.users.search('a', { limit: 2, cursor: 'anna' }), 3);
    });

    it('admin statistics', async () => {
      await expectIndexed(() => state.s.stats.overview(new Date(), 30), 8);
    });

    it('message search starts from the caller’s conversations', async () => {
      const plans = await expectIndexed(() => state.s.messages.search(state.bob.id, 'kiwi an', { limit: 10 }), 3);
      const onMessages = plans.filter((p) => p.command.includes('"find":"messages"') && p.command.includes('"terms"'));
      expect(onMessages.length).toBe(1);
      expect(onMessages[0]?.plan).toContain('"indexName":"conversationId_1_terms_1_createdAt_-1__id_-1"');
      await expectIndexed(() =>
        state.s.messages.search(state.bob.id, 'kiwi', { limit: 10, conversationId: state.groups[0]?.id ?? '' }),
      );
    });

    it('conversation list, one conversation, and the public channel directory', async () => {
      await expectIndexed(() => state.s.conversations.listForUser(state.bob.id, { limit: 20 }));
      await expectIndexed(() => state.s.conversations.getForUser(state.groups[0]?.id ?? '', state.bob.id));
      await expectIndexed(() => state.s.conversations.searchPublic('', { limit: 20 }));
      await expectIndexed(() => state.s.conversations.searchPublic('room', { limit: 2 }));
    });
  },
);

describeIf(Boolean(uri), 'no MongoDB (set MONGODB_URI)', 'MongoDB pages cost a constant number of queries', () => {
  const { state, capture } = useSeededStore();

  it('the conversation list: the same queries for 2 rows as for 7', async () => {
    const small = await capture(() => state.s.conversations.listForUser(state.bob.id, { limit: 2 }));
    const large = await capture(() => state.s.conversations.listForUser(state.bob.id, { limit: 7 }));
    expect((await state.s.conversations.listForUser(state.bob.id, { limit: 7 })).items).toHaveLength(7);
    expect(large.length).toBe(small.length);
  });

  it('the public channel directory: member counts in one query for the page', async () => {
    const small = await capture(() => state.s.conversations.searchPublic('', { limit: 1 }));
    const large = await capture(() => state.s.conversations.searchPublic('', { limit: 3 }));
    const page = await state.s.conversations.searchPublic('', { limit: 3 });
    expect(page.items.map((c) => c.memberCount)).toEqual([2, 2, 2]);
    expect(large.length).toBe(small.length);
  });
});
