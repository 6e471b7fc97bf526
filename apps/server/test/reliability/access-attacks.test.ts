/**
 * Access attacks from the security review (issue 22), replayed against the real app: each one is
 * what an ordinary signed-in user tried to learn or reach beyond their rights. The figures record
 * what the attacker got (nothing, when the scenario holds).
 */
import type { Page, PublicProfile } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restAs } from '../chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../harness.ts';
import { vitestCommand, writeFigures } from './support.ts';

const FILE = 'access-attacks.test.ts';
const figures: Record<string, unknown> = {};
let failures = 0;

afterAll(() => {
  writeFigures('access-attacks', {
    family: 'authorization',
    scenario: 'Access attacks: email enumeration through user search',
    command: vitestCommand(FILE),
    ...figures,
    outcome: failures === 0 && Object.keys(figures).length > 0 ? 'held' : 'FAILED',
  });
});

/** Marks the scenario failed when an assertion inside `fn` throws (so the figures never say "held" wrongly). */
async function scenario(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    failures++;
    throw err;
  }
}

describe('email enumeration through user search (22 #4)', () => {
  let t: TestApp;
  let admin: RegisteredUser;
  let victim: RegisteredUser;
  let attacker: RegisteredUser;
  const SECRET = 'qz.secret@example.com';

  beforeAll(async () => {
    t = await startTestApp({ rateLimits: true });
    admin = await registerUser(t);
    // Neither the username nor the display name starts like the address: only the email could leak it.
    victim = await registerUser(t, { email: SECRET, username: 'victim_v', displayName: 'Victor' });
    attacker = await registerUser(t);
  });
  afterAll(() => t?.close());

  it('extending a prefix one character at a time recovers nothing, and the search is rate-limited per user', async () => {
    await scenario(async () => {
      const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789._@-';
      let recovered = '';
      let requests = 0;
      let limitedAt: number | null = null;
      let retryAfter = 0;
      // The review's attack: grow a prefix while the victim keeps showing up in the results.
      outer: for (let step = 0; step < SECRET.length; step++) {
        let grew = false;
        for (const c of alphabet) {
          // A prefix of the public username or display name says nothing about the address: skip it.
          const probe = recovered + c;
          if (['victim_v', 'victor'].some((name) => name.startsWith(probe))) continue;
          requests++;
          const res = await fetch(`${t.api}/users?q=${encodeURIComponent(probe)}&limit=50`, {
            headers: { Authorization: `Bearer ${attacker.accessToken}` },
          });
          if (res.status === 429) {
            limitedAt = requests;
            retryAfter = Number(res.headers.get('retry-after'));
            const body = (await res.json()) as { code: string };
            expect(body.code).toBe('rate_limited');
            break outer;
          }
          const page = ((await res.json()) as { data: Page<PublicProfile> }).data;
          if (page.items.some((u) => u.id === victim.user.id)) {
            recovered += c;
            grew = true;
            break;
          }
        }
        if (!grew) break;
      }
      figures.enumeration = {
        requests,
        charactersRecovered: recovered.length,
        rateLimitedAtRequest: limitedAt,
        retryAfterSeconds: retryAfter,
      };
      expect(recovered).toBe('');
      // The whole alphabet once fits the budget of 60; a scripted scrape does not.
      expect(requests).toBeGreaterThanOrEqual(alphabet.length - 1);
      for (let i = 0; i < 60 && limitedAt === null; i++) {
        requests++;
        const res = await fetch(`${t.api}/users?q=x${i}`, {
          headers: { Authorization: `Bearer ${attacker.accessToken}` },
        });
        await res.arrayBuffer();
        if (res.status === 429) {
          limitedAt = requests;
          retryAfter = Number(res.headers.get('retry-after'));
        }
      }
      expect(retryAfter).toBeGreaterThan(0);
      expect(limitedAt).not.toBeNull();
      expect(limitedAt).toBeLessThanOrEqual(61);
      figures.enumeration = {
        ...(figures.enumeration as object),
        rateLimitedAtRequest: limitedAt,
        retryAfterSeconds: retryAfter,
      };
      // Per user, not per address: someone else on the same IP still searches.
      const bystander = await registerUser(t);
      expect((await restAs(t.api, bystander.accessToken).get('/users?q=vic')).status).toBe(200);
      // A site admin still finds an account by its address.
      const found = await restAs(t.api, admin.accessToken).get<Page<PublicProfile>>(
        `/users?q=${encodeURIComponent(SECRET)}`,
      );
      expect(found.body.data.items.map((u) => u.id)).toEqual([victim.user.id]);
    });
  });
});
