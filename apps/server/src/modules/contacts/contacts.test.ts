import { randomUUID } from 'node:crypto';
import { CONTACTS_MAX, type Contact, type ContactList } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, TEST_PASSWORD, type TestApp } from '../../../test/harness.ts';

describe('contacts', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let ben: RegisteredUser;
  let cy: RegisteredUser;
  let A: Rest;
  let B: Rest;
  beforeAll(async () => {
    t = await startTestApp();
    ana = await registerUser(t, { displayName: 'Ana' });
    ben = await registerUser(t, { displayName: 'Ben' });
    cy = await registerUser(t, { displayName: 'Cy' });
    [A, B] = [ana, ben].map((u) => restAs(t.api, u.accessToken)) as [Rest, Rest];
  });
  afterAll(async () => {
    await t?.close();
  });
  const listOf = async (r: Rest) => {
    const res = await r.get<ContactList>('/contacts');
    expect(res.status).toBe(200);
    return res.body.data.items;
  };

  it('adds, renames, stars and removes a contact; the list is mine alone, favourites first', async () => {
    expect(await listOf(A)).toEqual([]);
    const added = await A.put<Contact>(`/contacts/${ben.user.id}`, {});
    expect(added.status).toBe(201);
    expect(added.body.data).toMatchObject({
      user: { id: ben.user.id, displayName: 'Ben', deleted: false },
      nickname: null,
      favourite: false,
    });
    expect(added.body.data.user).not.toHaveProperty('email');
    expect((await A.put(`/contacts/${cy.user.id}`)).status).toBe(201);

    const renamed = await A.put<Contact>(`/contacts/${ben.user.id}`, { nickname: '  Benny  ' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({ nickname: 'Benny', favourite: false });
    // Newest first until a favourite is set.
    expect((await listOf(A)).map((c) => c.user.id)).toEqual([cy.user.id, ben.user.id]);
    await A.put(`/contacts/${ben.user.id}`, { favourite: true });
    expect((await listOf(A)).map((c) => [c.user.id, c.nickname, c.favourite])).toEqual([
      [ben.user.id, 'Benny', true],
      [cy.user.id, null, false],
    ]);
    // "" and null both clear the nickname; the favourite flag stays.
    expect((await A.put<Contact>(`/contacts/${ben.user.id}`, { nickname: '' })).body.data).toMatchObject({
      nickname: null,
      favourite: true,
    });

    // Ben's list is his own, and Ben is not told about Ana's.
    expect(await listOf(B)).toEqual([]);

    expect((await A.del(`/contacts/${cy.user.id}`)).status).toBe(200);
    expect((await listOf(A)).map((c) => c.user.id)).toEqual([ben.user.id]);
  });

  it('answers bad input with a clear 4xx, never a 500', async () => {
    const cases: [string, Promise<{ status: number; body: { code?: string } }>, number, string][] = [
      ['myself', A.put(`/contacts/${ana.user.id}`, {}), 400, 'bad_request'],
      ['unknown user', A.put(`/contacts/${randomUUID()}`, {}), 404, 'not_found'],
      ['absurd id', A.put(`/contacts/${'x'.repeat(500)}`, {}), 404, 'not_found'],
      ['long nickname', A.put(`/contacts/${cy.user.id}`, { nickname: 'n'.repeat(65) }), 400, 'validation_failed'],
      ['invisible nickname', A.put(`/contacts/${cy.user.id}`, { nickname: 'Cy\u202e' }), 400, 'validation_failed'],
      ['wrong type', A.put(`/contacts/${cy.user.id}`, { favourite: 'yes' }), 400, 'validation_failed'],
      ['unknown field', A.put(`/contacts/${cy.user.id}`, { email: 'cy@example.com' }), 400, 'validation_failed'],
      ['not an object', A.put(`/contacts/${cy.user.id}`, ['x']), 400, 'validation_failed'],
      ['remove a non-contact', A.del(`/contacts/${cy.user.id}`), 404, 'not_found'],
      ['remove an unknown id', A.del(`/contacts/${randomUUID()}`), 404, 'not_found'],
    ];
    for (const [label, call, status, code] of cases) {
      const res = await call;
      expect([label, res.status, res.body.code]).toEqual([label, status, code]);
    }
    // None of those added anything.
    expect((await listOf(A)).map((c) => c.user.id)).not.toContain(cy.user.id);

    for (const res of await Promise.all([
      fetch(`${t.api}/contacts`),
      fetch(`${t.api}/contacts/${ben.user.id}`, { method: 'PUT' }),
      fetch(`${t.api}/contacts/${ben.user.id}`, { method: 'DELETE' }),
    ]))
      expect(res.status).toBe(401);
  });

  it(`refuses a new contact past ${CONTACTS_MAX} (422), while existing ones can still be updated`, async () => {
    const hoarder = await registerUser(t);
    const H = restAs(t.api, hoarder.accessToken);
    const now = new Date();
    for (let i = 0; i < CONTACTS_MAX; i++) {
      const u = await t.storage.users.create({
        email: `filler-${i}-${randomUUID().slice(0, 6)}@example.com`,
        username: `filler_${i}_${randomUUID().slice(0, 6)}`,
        displayName: `Filler ${i}`,
        passwordHash: null,
        role: 'user',
      });
      await t.storage.contacts.save(hoarder.user.id, u.id, {}, now);
    }
    const over = await H.put(`/contacts/${ben.user.id}`, {});
    expect([over.status, over.body.code]).toEqual([422, 'unprocessable']);
    const first = (await t.storage.contacts.list(hoarder.user.id))[0];
    expect((await H.put(`/contacts/${first?.contactId}`, { favourite: true })).status).toBe(200);
  }, 60_000);

  it('a deleted account drops out of lists, and its own list is removed', async () => {
    const leaving = await registerUser(t);
    const L = restAs(t.api, leaving.accessToken);
    await L.put(`/contacts/${ana.user.id}`, { nickname: 'Ana from work' });
    await A.put(`/contacts/${leaving.user.id}`, {});
    expect((await listOf(A)).map((c) => c.user.id)).toContain(leaving.user.id);

    const res = await fetch(`${t.api}/users/me`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${leaving.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ password: TEST_PASSWORD }),
    });
    expect(res.status).toBe(200);
    expect((await listOf(A)).map((c) => c.user.id)).not.toContain(leaving.user.id);
    expect((await A.put(`/contacts/${leaving.user.id}`, {})).status).toBe(404);
    await eventually(async () => expect(await t.storage.contacts.count(leaving.user.id)).toBe(0));
  });
});
