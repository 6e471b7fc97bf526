/**
 * Names that pretend to be other names (issue 21 #11): a right-to-left override turns
 * "Ana\u202Egnp.exe" into "Anaexe.png", zero-width characters make "admin\u200B" a different
 * account that reads "admin", Hangul fillers make a name that looks empty. Everywhere a person
 * names something (display name at sign-up and later, group and channel titles at creation and
 * later) refuses them with a 400 naming the field; emoji sequences and scripts that need joiners pass.
 */
import { type ConversationSummary, INVISIBLE_CHARACTERS_MESSAGE, type Me } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restAs } from '../chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../harness.ts';

const SPOOFS = [
  'Ana\u202Egnp.exe',
  'admin\u200B',
  'ad\u200Dmin',
  '\u2067Support\u2069',
  'Ana\uFEFFMaría',
  '\u3164\u3164\u3164',
  'Bob\u2060',
];
const GENUINE = ['👩‍💻 Ana', 'می\u200Cخواهم', '🏳️‍🌈 Pride', 'María José'];

type Envelope = { status: number; body: { code?: string; details?: Record<string, string[]> } };
function expectRefusedField(res: Envelope, field: string, label: string) {
  expect(res.status, label).toBe(400);
  expect(res.body.code, label).toBe('validation_failed');
  expect(res.body.details?.[field]?.join(' '), label).toMatch(/invisible|control/i);
}

describe('names with invisible or text-direction characters are refused (issue 21 #11)', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let groupId: string;

  beforeAll(async () => {
    t = await startTestApp();
    ana = await registerUser(t, { displayName: 'Ana' });
    groupId = (
      await restAs(t.api, ana.accessToken).post<ConversationSummary>('/conversations', { kind: 'group', title: 'Team' })
    ).body.data.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('display names: at sign-up and in the profile', async () => {
    const rest = restAs(t.api, ana.accessToken);
    for (const name of SPOOFS) {
      const res = await fetch(`${t.api}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: `spoof-${SPOOFS.indexOf(name)}@example.com`,
          password: 'correct horse battery staple',
          displayName: name,
          client: 'desktop',
        }),
      });
      const body = (await res.json()) as Envelope['body'];
      expectRefusedField({ status: res.status, body }, 'displayName', JSON.stringify(name));
      expectRefusedField(await rest.patch('/users/me', { displayName: name }), 'displayName', JSON.stringify(name));
    }
    expect((await rest.get<Me>('/users/me')).body.data.displayName).toBe('Ana');
    for (const name of GENUINE) {
      const res = await rest.patch<Me>('/users/me', { displayName: name });
      expect(res.status, name).toBe(200);
      expect(res.body.data.displayName).toBe(name);
    }
    const refused = await rest.patch('/users/me', { displayName: 'x\u202E' });
    expect((refused.body as { details?: Record<string, string[]> }).details?.displayName).toEqual([
      INVISIBLE_CHARACTERS_MESSAGE,
    ]);
  });

  it('group and channel titles: at creation and when renamed', async () => {
    const rest = restAs(t.api, ana.accessToken);
    for (const title of SPOOFS) {
      const label = JSON.stringify(title);
      expectRefusedField(await rest.post('/conversations', { kind: 'group', title }), 'title', label);
      expectRefusedField(await rest.post('/conversations', { kind: 'channel', title }), 'title', label);
      expectRefusedField(await rest.patch(`/conversations/${groupId}`, { title }), 'title', label);
    }
    expectRefusedField(await rest.patch(`/conversations/${groupId}`, { title: 'Bell\u0007' }), 'title', 'BEL');
    for (const title of GENUINE) {
      expect((await rest.patch(`/conversations/${groupId}`, { title })).status, title).toBe(200);
      expect((await rest.post('/conversations', { kind: 'channel', title })).status, title).toBe(201);
    }
  });

  it('usernames stay plain ASCII, so none of these can be a handle', async () => {
    const rest = restAs(t.api, ana.accessToken);
    for (const username of ['admin\u200B', 'ad\u200Cmin', 'ana\u202E']) {
      const res = await rest.patch('/users/me', { username });
      expect(res.status).toBe(400);
      expect((res.body as { details?: Record<string, string[]> }).details?.username).toBeDefined();
    }
  });
});
