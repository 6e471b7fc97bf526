import type { ProfileLinks, PublicProfile } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

describe('profile links', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let ben: RegisteredUser;
  let A: Rest;
  beforeAll(async () => {
    t = await startTestApp({ env: { WEB_URL: 'https://web.charla.test/' } });
    ana = await registerUser(t, { username: 'ana.link' });
    ben = await registerUser(t, { username: 'Ben_Link' });
    A = restAs(t.api, ana.accessToken);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('gives me my links, on the web client and in the app', async () => {
    const res = await A.get<ProfileLinks>('/profiles/me');
    expect(res.body.data).toEqual({
      username: 'ana.link',
      webUrl: 'https://web.charla.test/u/ana.link',
      appUrl: 'charla://u/ana.link',
    });
  });

  it('resolves a username exactly, whatever its case, to the public profile only', async () => {
    const res = await A.get<PublicProfile>('/profiles/ben_link');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: ben.user.id, username: 'Ben_Link', deleted: false });
    expect(res.body.data).not.toHaveProperty('email');
    // A prefix is not a match.
    expect((await A.get('/profiles/ben_lin')).status).toBe(404);
  });

  it('answers bad, unknown, suspended and deleted with a clear 4xx', async () => {
    const gone = await registerUser(t, { username: 'gone_soon' });
    await t.storage.users.update(gone.user.id, { deletedAt: new Date() });
    const banned = await registerUser(t, { username: 'banned_one' });
    await t.storage.users.update(banned.user.id, { suspendedAt: new Date() });
    const cases: [string, number, string][] = [
      ['/profiles/nobody_here', 404, 'not_found'],
      ['/profiles/gone_soon', 404, 'not_found'],
      ['/profiles/banned_one', 404, 'not_found'],
      ['/profiles/no%20spaces', 400, 'validation_failed'],
      [`/profiles/${'x'.repeat(40)}`, 400, 'validation_failed'],
      ['/profiles/%3Cscript%3E', 400, 'validation_failed'],
    ];
    for (const [path, status, code] of cases) {
      const res = await A.get(path);
      expect([path, res.status, res.body.code]).toEqual([path, status, code]);
    }
    expect((await fetch(`${t.api}/profiles/ben_link`)).status).toBe(401);
    expect((await fetch(`${t.api}/profiles/me`)).status).toBe(401);
  });
});
