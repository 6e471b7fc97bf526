import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { POINTS_RULE_IDS, type PointsRuleId } from '@charla/shared-types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PointsEntryRecord, PointsTotals, Storage } from '../../storage/ports.ts';
import { openSqliteStorage } from '../../storage/sqlite/sqlite-storage.ts';
import { longestRun, projectLedger } from './points.projection.ts';
import { dayKey, POINTS_RULES } from './points.rules.ts';

/*
 * Random award/reversal sequences against the real SQLite adapter: the stored totals always equal
 * the sum of the ledger, no rule ever passes its daily cap, reversals restore totals, and the
 * projection rebuilt from the ledger is what incremental updates produced.
 */

const START = Date.parse('2026-03-02T09:00:00.000Z');

type Op =
  | { kind: 'award'; user: number; rule: PointsRuleId; event: number; day: number; minute: number }
  | { kind: 'reverse'; pick: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('award' as const),
      user: fc.integer({ min: 0, max: 1 }),
      rule: fc.constantFrom(...POINTS_RULE_IDS),
      // A small pool of causing events, so duplicates (retries) are common.
      event: fc.integer({ min: 0, max: 12 }),
      day: fc.integer({ min: 0, max: 3 }),
      minute: fc.integer({ min: 0, max: 600 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reverse' as const), pick: fc.nat() }) },
);

async function withStorage<T>(run: (s: Storage, users: string[], conversationId: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-points-prop-'));
  const s = openSqliteStorage(dir);
  try {
    const users = await Promise.all(
      ['ana', 'ben'].map((name) =>
        s.users.create({
          email: `${name}@example.com`,
          username: name,
          displayName: name,
          passwordHash: null,
          role: 'user',
        }),
      ),
    );
    const [owner, other] = users;
    if (!owner || !other) throw new Error('users missing');
    const group = await s.conversations.create({
      kind: 'group',
      title: 'Property',
      createdBy: owner.id,
      members: [{ userId: other.id, role: 'member' }],
      now: new Date(START),
    });
    return await run(
      s,
      users.map((u) => u.id),
      group.id,
    );
  } finally {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A rule whose every entry was reversed may be kept as a zero row or left out: the same thing. */
const nonZero = (rules: PointsTotals['rules'] | undefined) =>
  Object.fromEntries(Object.entries(rules ?? {}).filter(([, r]) => r && (r.count !== 0 || r.points !== 0)));

async function ledgerOf(s: Storage, userId: string): Promise<PointsEntryRecord[]> {
  return s.points.userEntries(userId, { limit: 10_000 });
}

describe('points properties (random event sequences, SQLite)', () => {
  it('keeps totals equal to the ledger, caps unbroken, reversals restoring totals', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), async (ops) =>
        withStorage(async (s, users, conversationId) => {
          const awarded: PointsEntryRecord[] = [];
          for (const op of ops) {
            if (op.kind === 'award') {
              const rule = POINTS_RULES[op.rule];
              const userId = users[op.user] ?? '';
              const [out] = await s.points.award([
                {
                  userId,
                  ruleId: op.rule,
                  eventKey: `e${op.event}`,
                  points: rule.points,
                  dailyCap: rule.dailyCap,
                  conversationId,
                  messageId: null,
                  causeMessageId: null,
                  detail: {},
                  createdAt: new Date(START + op.day * 86_400_000 + op.minute * 60_000),
                },
              ]);
              if (out?.status === 'awarded') awarded.push(out.entry);
            } else if (awarded.length > 0) {
              const target = awarded[op.pick % awarded.length];
              if (target) await s.points.reverse(target.id, { reason: 'test', actorId: null, now: target.createdAt });
            }
          }
          for (const userId of users) {
            const ledger = await ledgerOf(s, userId);
            const sum = ledger.reduce((n, e) => n + e.points, 0);
            const totals = await s.points.totals(userId);
            expect(totals?.points ?? 0).toBe(sum);
            // Reversals restore: the total is the sum of the awards nobody reversed.
            const reversed = new Set(ledger.flatMap((e) => (e.reversesId ? [e.reversesId] : [])));
            const kept = ledger.filter((e) => !e.reversesId && !reversed.has(e.id));
            expect(sum).toBe(kept.reduce((n, e) => n + e.points, 0));
            // Caps: per user, rule and UTC day, awards (reversed or not) never pass the cap.
            const used = new Map<string, number>();
            for (const e of ledger.filter((x) => !x.reversesId)) {
              const key = `${e.ruleId}:${dayKey(e.createdAt)}`;
              used.set(key, (used.get(key) ?? 0) + e.points);
            }
            for (const [key, points] of used) {
              const rule = key.split(':')[0] as PointsRuleId;
              expect(points).toBeLessThanOrEqual(POINTS_RULES[rule].dailyCap);
            }
            // Exactly once per (rule, event).
            const keys = ledger.filter((e) => !e.reversesId).map((e) => `${e.ruleId}:${e.eventKey}`);
            expect(new Set(keys).size).toBe(keys.length);
            // The projection from the ledger matches what the incremental updates stored...
            const projected = projectLedger(userId, ledger);
            if (totals) {
              expect(projected.totals.points).toBe(totals.points);
              expect(nonZero(projected.totals.rules)).toEqual(nonZero(totals.rules));
            }
            // ...and storing it (the rebuild) changes nothing a user sees.
            if (ledger.length > 0) {
              await s.points.replaceProjection(projected);
              const rebuilt = await s.points.totals(userId);
              expect(rebuilt?.points).toBe(sum);
              expect(nonZero(rebuilt?.rules)).toEqual(nonZero(projected.totals.rules));
            }
          }
        }),
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});

describe('projection pieces', () => {
  const entry = (over: Partial<PointsEntryRecord>): PointsEntryRecord => ({
    id: Math.random().toString(36).slice(2),
    userId: 'u',
    ruleId: 'streak_day',
    eventKey: Math.random().toString(36),
    points: 2,
    conversationId: null,
    messageId: null,
    causeMessageId: null,
    reversesId: null,
    actorId: null,
    reason: null,
    detail: {},
    createdAt: new Date(START),
    ...over,
  });

  it('measures the longest run of consecutive UTC days', () => {
    expect(longestRun([])).toBe(0);
    expect(longestRun(['2026-03-01', '2026-03-02', '2026-03-04', '2026-03-02'])).toBe(2);
    expect(longestRun(['2026-02-28', '2026-03-01', '2026-03-02'])).toBe(3);
  });

  it('earns streak tiers when the run reaches them, and not from reversed days', () => {
    const days = Array.from({ length: 7 }, (_, i) => entry({ createdAt: new Date(START + i * 86_400_000) }));
    const earned = projectLedger('u', days).achievements;
    expect(earned).toEqual([{ userId: 'u', achievementId: 'streak', tier: 'bronze', earnedAt: days[6]?.createdAt }]);
    const reversal = entry({ points: -2, reversesId: days[3]?.id ?? '' });
    const broken = projectLedger('u', [...days, reversal]);
    expect(broken.achievements).toEqual([]);
    expect(broken.totals).toMatchObject({ points: 12, bestStreak: 3 });
  });
});
