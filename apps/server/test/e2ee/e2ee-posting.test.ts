import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../harness.ts';
import { createEncrypted, device, person, syncAll, texts } from './e2ee-support.ts';

/*
 * The posting rules main enforces on plain sends hold on the encrypted path too: the server cannot
 * tell a reaction from a text in ciphertext, so every application message is a post. Announcement
 * mode, blocks in direct chats, and ALLOW_UNVERIFIED_CHAT=false all refuse with the same codes.
 */

describe('posting rules in encrypted conversations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ALLOW_UNVERIFIED_CHAT: 'false' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('announcement mode: admins post, members read; switching it off lets members post', async () => {
    const owner = await device(t, await person(t));
    const member = await device(t, await person(t));
    const res = await owner.person.rest.post<{ id: string }>('/conversations', {
      kind: 'group',
      title: 'Announcements',
      memberIds: [member.person.id],
      encrypted: true,
      onlyAdminsPost: true,
    });
    expect(res.status).toBe(201);
    const id = res.body.data.id;
    expect(await owner.client.reconcile(id)).toBe(true);
    await owner.client.send(id, { t: 'text', text: 'news for everyone' });
    await syncAll(id, [member]);
    expect(texts(await member.client.history(id))).toEqual(['news for everyone']);
    await expect(member.client.send(id, { t: 'text', text: 'can I answer?' })).rejects.toMatchObject({
      status: 403,
      serverCode: 'posting_restricted',
    });
    expect((await owner.person.rest.patch(`/conversations/${id}`, { onlyAdminsPost: false })).status).toBe(200);
    await member.client.send(id, { t: 'text', text: 'now I can' });
    await syncAll(id, [owner]);
    expect(texts(await owner.client.history(id))).toEqual(['news for everyone', 'now I can']);
  });

  it('a block in an encrypted direct chat stops both sides sending (403), reading goes on', async () => {
    const ana = await device(t, await person(t));
    const ben = await device(t, await person(t));
    const id = await createEncrypted(ana.person, { kind: 'direct', userId: ben.person.id });
    expect(await ana.client.reconcile(id)).toBe(true);
    await ana.client.send(id, { t: 'text', text: 'before the block' });
    expect((await ben.person.rest.post(`/users/${ana.person.id}/block`)).status).toBeLessThan(300);
    for (const [from, text] of [
      [ana, 'after the block'],
      [ben, 'me neither'],
    ] as const) {
      await syncAll(id, [from]);
      await expect(from.client.send(id, { t: 'text', text })).rejects.toMatchObject({ status: 403 });
    }
    await syncAll(id, [ben]);
    expect(texts(await ben.client.history(id))).toEqual(['before the block']);
  });

  it('ALLOW_UNVERIFIED_CHAT=false: an unverified account reads but does not send (403 email_unverified)', async () => {
    const owner = await device(t, await person(t));
    const freshPerson = await person(t);
    const fresh = await device(t, freshPerson);
    const id = await createEncrypted(owner.person, { kind: 'group', title: 'Verified', memberIds: [freshPerson.id] });
    expect(await owner.client.reconcile(id)).toBe(true);
    await owner.client.send(id, { t: 'text', text: 'welcome' });
    // An account from before sign-up by code (or an OIDC one whose provider did not vouch for it).
    await t.storage.users.update(freshPerson.id, { emailVerifiedAt: null });
    await syncAll(id, [fresh]);
    expect(texts(await fresh.client.history(id))).toEqual(['welcome']);
    await expect(fresh.client.send(id, { t: 'text', text: 'spam' })).rejects.toMatchObject({
      status: 403,
      serverCode: 'email_unverified',
    });
  });
});
