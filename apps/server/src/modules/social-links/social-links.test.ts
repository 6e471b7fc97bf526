import type { ConversationSummary, SocialLink } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

type List = { items: SocialLink[] };

describe('social links on a profile', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let ben: RegisteredUser;
  let cy: RegisteredUser;
  let A: Rest;
  let B: Rest;
  let C: Rest;
  beforeAll(async () => {
    t = await startTestApp();
    [ana, ben, cy] = await Promise.all([registerUser(t), registerUser(t), registerUser(t)]);
    [A, B, C] = [ana, ben, cy].map((u) => restAs(t.api, u.accessToken)) as [Rest, Rest, Rest];
    // Ana and Ben share a chat; Cy shares nothing with Ana.
    await A.post<ConversationSummary>('/conversations', { kind: 'direct', userId: ben.user.id });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('adds, normalises, replaces and removes my links; typed-in ones are never verified', async () => {
    const gh = await A.put<SocialLink>('/users/me/social-links/github', { handle: ' @ana-dev ' });
    expect(gh.status).toBe(201);
    expect(gh.body.data).toEqual({
      network: 'github',
      handle: 'ana-dev',
      url: 'https://github.com/ana-dev',
      visibility: 'public',
      verified: false,
    });
    await A.put('/users/me/social-links/x', { handle: '@ana_x', visibility: 'shared' });
    await A.put('/users/me/social-links/website', { handle: 'https://ana.example/blog', visibility: 'hidden' });
    const replaced = await A.put<SocialLink>('/users/me/social-links/github', { handle: 'ana-codes' });
    expect([replaced.status, replaced.body.data.handle]).toEqual([200, 'ana-codes']);
    expect((await A.get<List>('/users/me/social-links')).body.data.items.map((l) => [l.network, l.url])).toEqual([
      ['github', 'https://github.com/ana-codes'],
      ['x', 'https://x.com/ana_x'],
      ['website', 'https://ana.example/blog'],
    ]);
  });

  it('others see public links, "shared" ones only when we share a chat, hidden ones never, nothing across a block', async () => {
    const seenBy = async (r: Rest) =>
      (await r.get<List>(`/users/${ana.user.id}/social-links`)).body.data.items.map((l) => l.network);
    expect(await seenBy(B)).toEqual(['github', 'x']);
    expect(await seenBy(C)).toEqual(['github']);
    expect(await seenBy(A)).toEqual(['github', 'x', 'website']);
    await A.post(`/users/${ben.user.id}/block`);
    expect(await seenBy(B)).toEqual([]);
    await A.del(`/users/${ben.user.id}/block`);
    expect(await seenBy(B)).toEqual(['github', 'x']);
  });

  it('answers bad input with a clear 4xx, never a 500', async () => {
    const cases: [string, Promise<{ status: number; body: { code?: string } }>, number, string][] = [
      ['unknown network', A.put('/users/me/social-links/myspace', { handle: 'ana' }), 400, 'validation_failed'],
      ['bad github', A.put('/users/me/social-links/github', { handle: '-ana' }), 400, 'validation_failed'],
      ['long x', A.put('/users/me/social-links/x', { handle: 'a'.repeat(16) }), 400, 'validation_failed'],
      [
        'script site',
        A.put('/users/me/social-links/website', { handle: 'javascript:alert(1)' }),
        400,
        'validation_failed',
      ],
      [
        'creds site',
        A.put('/users/me/social-links/website', { handle: 'https://u:p@ana.example' }),
        400,
        'validation_failed',
      ],
      [
        'bad visibility',
        A.put('/users/me/social-links/x', { handle: 'ana', visibility: 'friends' }),
        400,
        'validation_failed',
      ],
      ['extra field', A.put('/users/me/social-links/x', { handle: 'ana', verified: true }), 400, 'validation_failed'],
      ['remove missing', A.del('/users/me/social-links/instagram'), 404, 'not_found'],
      ['unknown user', A.get('/users/nobody-at-all/social-links'), 404, 'not_found'],
    ];
    for (const [label, call, status, code] of cases) {
      const res = await call;
      expect([label, res.status, res.body.code]).toEqual([label, status, code]);
    }
    expect((await fetch(`${t.api}/users/me/social-links`)).status).toBe(401);
  });
});
