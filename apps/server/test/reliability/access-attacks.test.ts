/**
 * Access attacks from the security review (issue 22), replayed against the real app: each one is
 * what an ordinary signed-in user tried to learn or reach beyond their rights. The figures record
 * what the attacker got (nothing, when the scenario holds).
 */
import type { Media, Message, Page, PublicProfile } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePng } from '../../src/modules/media/media.fixtures.ts';
import { local, uploadOk } from '../../src/modules/media/media.test-helpers.ts';
import { connectSocket, emitAck, restAs } from '../chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp, unverify } from '../harness.ts';
import { vitestCommand, writeFigures } from './support.ts';

const FILE = 'access-attacks.test.ts';
const figures: Record<string, unknown> = {};
let failures = 0;

afterAll(() => {
  writeFigures('access-attacks', {
    family: 'authorization',
    scenario: 'Access attacks: email enumeration, unverified chat, media after removal, foreign avatars',
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

describe('chatting before verifying the email, with ALLOW_UNVERIFIED_CHAT=false (22 #12)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ALLOW_UNVERIFIED_CHAT: 'false' } });
  });
  afterAll(() => t?.close());

  it('every send path refuses with 403 email_unverified', async () => {
    await scenario(async () => {
      const owner = await registerUser(t);
      // An account from before sign-up by code (which verifies the address): never verified.
      const fresh = await registerUser(t);
      await unverify(t, fresh);
      const O = restAs(t.api, owner.accessToken);
      const F = restAs(t.api, fresh.accessToken);
      const g = (
        await O.post<{ id: string }>('/conversations', { kind: 'group', title: 'G', memberIds: [fresh.user.id] })
      ).body.data.id;
      const m = (await O.post<{ id: string }>(`/conversations/${g}/messages`, { clientMsgId: 'a1', text: 'hi' })).body
        .data.id;
      const rest = [
        await F.post(`/conversations/${g}/messages`, { clientMsgId: 'f1', text: 'x' }),
        await F.post(`/messages/${m}/forward`, { conversationIds: [g], clientMsgId: 'f2' }),
        await F.put(`/messages/${m}/reactions/👍`),
        await F.post('/conversations', { kind: 'direct', userId: owner.user.id }),
        await F.post('/conversations', { kind: 'group', title: 'x' }),
        await F.post('/conversations', { kind: 'channel', title: 'x' }),
      ].map((r) => `${r.status} ${r.body.code}`);
      const socket = await connectSocket(t.url, fresh.accessToken);
      const acks = [
        await emitAck(socket, 'message:send', { conversationId: g, clientMsgId: 'f3', text: 'x' }),
        await emitAck(socket, 'message:react', { messageId: m, emoji: '👍', on: true }),
      ].map((a) => (a.ok ? 'ok' : a.error.code));
      socket.close();
      const refused = [
        ...rest.filter((r) => r === '403 email_unverified'),
        ...acks.filter((a) => a === 'email_unverified'),
      ];
      figures.unverifiedChat = { pathsTried: rest.length + acks.length, refused: refused.length };
      expect(rest).toEqual(Array(rest.length).fill('403 email_unverified'));
      expect(acks).toEqual(['email_unverified', 'email_unverified']);
    });
  });
});

describe('keeping media after leaving, and a foreign group picture (22, hardening)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('signed URLs die with the membership; only the conversation’s own upload can be its picture', async () => {
    await scenario(async () => {
      const owner = await registerUser(t);
      const leaver = await registerUser(t);
      const O = restAs(t.api, owner.accessToken);
      const L = restAs(t.api, leaver.accessToken);
      const g = (
        await O.post<{ id: string }>('/conversations', { kind: 'group', title: 'G', memberIds: [leaver.user.id] })
      ).body.data.id;
      const urls: string[] = [];
      for (let i = 0; i < 3; i++) {
        const photo = await uploadOk(t.api, owner.accessToken, `p${i}.png`, await makePng(8 + i, 8));
        const m = (
          await O.post<Message>(`/conversations/${g}/messages`, {
            clientMsgId: `p${i}`,
            text: '',
            attachments: [photo.id],
          })
        ).body.data;
        const dto = (await L.get<Media>(`/media/${photo.id}/meta?via=${m.id}`)).body.data;
        urls.push(dto.url, dto.thumbnailUrl ?? dto.url);
      }
      const status = async (u: string) => {
        const res = await fetch(local(u, t.url));
        await res.arrayBuffer();
        return res.status;
      };
      const before = await Promise.all(urls.map(status));
      await O.del(`/conversations/${g}/participants/${leaver.user.id}`);
      const after = await Promise.all(urls.map(status));
      const foreign = await O.patch(`/conversations/${g}`, {
        avatarUrl: 'https://res.cloudinary.com/x/image/upload/p.png',
      });
      figures.mediaAfterRemoval = {
        urls: urls.length,
        servedWhileMember: before.filter((s) => s === 200).length,
        servedAfterRemoval: after.filter((s) => s === 200).length,
        foreignAvatarStatus: foreign.status,
      };
      expect(before.every((s) => s === 200)).toBe(true);
      expect(after.every((s) => s === 404)).toBe(true);
      expect(foreign.status).toBe(400);
    });
  });
});
