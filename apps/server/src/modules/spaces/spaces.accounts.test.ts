import type { MySpace } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, TEST_PASSWORD, type TestApp } from '../../../test/harness.ts';

const ADMIN = 'site-admin@example.com';

describe('spaces and accounts: deleted owners, site admins', () => {
  let t: TestApp;
  let admin: RegisteredUser;
  let ana: RegisteredUser;
  let ben: RegisteredUser;
  let A: Rest;
  let B: Rest;
  let S: Rest;
  beforeAll(async () => {
    t = await startTestApp({ env: { ADMIN_EMAILS: ADMIN } });
    admin = await registerUser(t, { email: ADMIN, displayName: 'Site admin' });
    ana = await registerUser(t, { displayName: 'Ana' });
    ben = await registerUser(t, { displayName: 'Ben' });
    [A, B, S] = [ana, ben, admin].map((u) => restAs(t.api, u.accessToken)) as [Rest, Rest, Rest];
  });
  afterAll(async () => {
    await t?.close();
  });

  it('site admins list every space; others get 403; a connection string does not apply to SQLite', async () => {
    const space = (await A.post<MySpace>('/spaces', { name: 'Listed' })).body.data;
    const list = await S.get<{ items: { id: string; memberCount: number; database: string }[] }>('/admin/spaces');
    expect(list.status).toBe(200);
    expect(list.body.data.items.find((s) => s.id === space.id)).toMatchObject({ memberCount: 1, database: 'default' });
    expect((await A.get('/admin/spaces')).status).toBe(403);
    const put = await S.put(`/admin/spaces/${space.id}/database`, { mongoUri: 'mongodb://db.example:27017/x' });
    expect(put.status).toBe(409);
    expect((await S.put(`/admin/spaces/${space.id}/database`, { mongoUri: 'http://nope' })).status).toBe(400);
    expect((await A.put(`/admin/spaces/${space.id}/database`, { mongoUri: 'mongodb://db.example/x' })).status).toBe(
      403,
    );
  });

  it('a deleted account leaves its spaces: the oldest admin inherits, an emptied space is scheduled for deletion', async () => {
    const shared = (await A.post<MySpace>('/spaces', { name: 'Inherited', joinPolicy: 'anyone' })).body.data;
    await B.post(`/spaces/${shared.id}/join`);
    await A.patch(`/spaces/${shared.id}/members/${ben.user.id}`, { role: 'admin' });
    const alone = (await A.post<MySpace>('/spaces', { name: 'Alone' })).body.data;

    const gone = await A.del('/users/me');
    expect(gone.status).toBe(400);
    const res = await fetch(`${t.api}/users/me`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${ana.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ password: TEST_PASSWORD }),
    });
    expect(res.status).toBe(200);
    await eventually(async () => {
      const mine = (await B.get<MySpace[]>('/spaces')).body.data.find((s) => s.id === shared.id);
      expect(mine?.role).toBe('owner');
    });
    const members = (await B.get<{ items: { userId: string }[] }>(`/spaces/${shared.id}/members`)).body.data.items;
    expect(members.map((m) => m.userId)).toEqual([ben.user.id]);
    await eventually(async () => {
      const listed = (await S.get<{ items: MySpace[] }>('/admin/spaces')).body.data.items.find(
        (s) => s.id === alone.id,
      );
      expect(listed?.deleteAfter).not.toBeNull();
    });
  });
});
