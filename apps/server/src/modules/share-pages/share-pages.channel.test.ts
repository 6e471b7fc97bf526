import type { ConversationSummary, Invite } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, type TestApp } from '../../../test/harness.ts';
import { makePng } from '../media/media.fixtures.ts';
import { upload } from '../media/media.test-helpers.ts';
import { INDEX, startWithWebClient, unfurl } from './share-pages.test-helpers.ts';

describe('public channels have a preview page with Open Graph and Twitter Card tags', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let A: Rest;
  const create = async (kind: 'group' | 'channel', title: string, description: string) => {
    const members = kind === 'group' ? { memberIds: [(await registerUser(t)).user.id] } : {};
    return (await A.post<ConversationSummary>('/conversations', { kind, title, description, ...members })).body.data;
  };
  const setPicture = async (id: string) => {
    const path = `/conversations/${id}/avatar`;
    const res = await upload(t.api, ana.accessToken, 'c.png', await makePng(320, 320), { path, method: 'PUT' });
    expect(res.status).toBe(200);
  };
  /** og:image is under PUBLIC_URL (http://charla.test here): fetch it from the test server. */
  const local = (url: string) => url.replace(t.config.webUrl, t.url);

  beforeAll(async () => {
    t = await startWithWebClient();
    ana = await registerUser(t);
    A = restAs(t.api, ana.accessToken);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('title, member count, description and a picture served without a session', async () => {
    const channel = await create('channel', 'Rust en español', 'Noticias & charla <diaria>');
    const ben = restAs(t.api, (await registerUser(t)).accessToken);
    expect((await ben.post(`/conversations/${channel.id}/join`, {})).status).toBe(200);
    await setPicture(channel.id);

    const page = await unfurl(`${t.url}/channel/${channel.id}`);
    expect(page.status).toBe(200);
    const url = `${t.config.webUrl}/channel/${channel.id}`;
    expect(page.tags).toEqual({
      'og:type': 'website',
      'og:site_name': 'Charla',
      'og:title': '“Rust en español”, a channel on Charla',
      'og:description': '2 members · Noticias &amp; charla &lt;diaria&gt;',
      'og:url': url,
      'og:image': `${url}/image`,
      'twitter:card': 'summary',
      'twitter:title': '“Rust en español”, a channel on Charla',
      'twitter:description': '2 members · Noticias &amp; charla &lt;diaria&gt;',
      'twitter:image': `${url}/image`,
      description: '2 members · Noticias &amp; charla &lt;diaria&gt;',
      robots: 'noindex',
    });
    expect(page.html).toContain('<div id="root"></div>');

    const image = await fetch(local(page.tags['og:image'] ?? ''));
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/webp');
    expect((await image.arrayBuffer()).byteLength).toBeGreaterThan(50);

    const es = await unfurl(`${t.url}/channel/${channel.id}`, 'es');
    expect(es.tags['og:title']).toBe('«Rust en español», un canal en Charla');
    expect(es.tags['og:description']).toBe('2 miembros · Noticias &amp; charla &lt;diaria&gt;');
  });

  it('a channel invite carries the picture too; a private group invite never does', async () => {
    const channel = await create('channel', 'Pictures', '');
    await setPicture(channel.id);
    const channelInvite = (await A.post<Invite>(`/conversations/${channel.id}/invites`, {})).body.data;
    const shown = await unfurl(`${t.url}/invite/${channelInvite.code}`);
    expect(shown.tags['og:image']).toBe(`${t.config.webUrl}/channel/${channel.id}/image`);

    const group = await create('group', 'Family', 'Private things');
    await setPicture(group.id);
    const groupInvite = (await A.post<Invite>(`/conversations/${group.id}/invites`, {})).body.data;
    const hidden = await unfurl(`${t.url}/invite/${groupInvite.code}`);
    expect(hidden.tags['og:title']).toBe('Join the group “Family” on Charla');
    expect(hidden.tags['og:image']).toBeUndefined();
    expect(hidden.html).not.toContain('Private things');
  });

  it('a private group, a deleted channel, an unknown or malformed id: the plain page, and no picture', async () => {
    const group = await create('group', 'Secret society', 'Members only');
    await setPicture(group.id);
    const gone = await create('channel', 'Gone', 'Deleted soon');
    expect((await A.del(`/conversations/${gone.id}`)).status).toBe(200);
    const bare = await create('channel', 'No picture', '');
    for (const id of [group.id, gone.id, '00000000-0000-4000-8000-000000000000', '%3Cscript%3E', 'x'.repeat(200)]) {
      const page = await unfurl(`${t.url}/channel/${id}`);
      expect([id, page.status, page.tags]).toEqual([id, 200, {}]);
      expect(page.html).toBe(INDEX);
      expect((await fetch(`${t.url}/channel/${id}/image`)).status).toBe(404);
    }
    // A channel without a picture: a card without an image, and no image page.
    expect((await unfurl(`${t.url}/channel/${bare.id}`)).tags['og:image']).toBeUndefined();
    expect((await fetch(`${t.url}/channel/${bare.id}/image`)).status).toBe(404);
  });
});
