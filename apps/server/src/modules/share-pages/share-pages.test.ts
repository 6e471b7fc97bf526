import type { ConversationSummary, Invite } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, type TestApp } from '../../../test/harness.ts';
import { INDEX, startWithWebClient, unfurl } from './share-pages.test-helpers.ts';

describe('invite links unfurl with Open Graph and Twitter Card tags', () => {
  let t: TestApp;
  let ana: RegisteredUser;
  let A: Rest;
  const invite = async (title: string, kind: 'group' | 'channel', description: string) => {
    const members = kind === 'group' ? { memberIds: [(await registerUser(t)).user.id] } : {};
    const c = (await A.post<ConversationSummary>('/conversations', { kind, title, description, ...members })).body.data;
    const created = await A.post<Invite>(`/conversations/${c.id}/invites`, {});
    expect(created.status).toBe(201);
    return { conversation: c, code: created.body.data.code };
  };
  beforeAll(async () => {
    t = await startWithWebClient();
    ana = await registerUser(t);
    A = restAs(t.api, ana.accessToken);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a private group shows only its name and member count, on the web client page itself', async () => {
    const { code } = await invite('Book club', 'group', 'Secret plans for the weekend');
    const page = await unfurl(`${t.url}/invite/${code}`);
    expect(page.status).toBe(200);
    expect(page.tags).toEqual({
      'og:type': 'website',
      'og:site_name': 'Charla',
      'og:title': 'Join the group “Book club” on Charla',
      'og:description': '2 members',
      'og:url': `${t.config.webUrl}/invite/${code}`,
      'twitter:card': 'summary',
      'twitter:title': 'Join the group “Book club” on Charla',
      'twitter:description': '2 members',
      description: '2 members',
      robots: 'noindex',
    });
    expect(page.html).not.toContain('Secret plans');
    expect(page.html).toContain('<title>Join the group “Book club” on Charla</title>');
    // Still the web client: the app loads and handles the invite as before.
    expect(page.html).toContain('<div id="root"></div>');
  });

  it('a channel also shows its description; Spanish when asked; user text is escaped', async () => {
    const { code } = await invite('News "&" <b>views</b>', 'channel', 'Daily links & talk');
    const en = await unfurl(`${t.url}/invite/${code}`);
    expect(en.tags['og:title']).toBe('Join the channel “News &quot;&amp;&quot; &lt;b&gt;views&lt;/b&gt;” on Charla');
    expect(en.tags['og:description']).toBe('1 member · Daily links &amp; talk');
    expect(en.html).not.toContain('<b>views</b>');
    const es = await unfurl(`${t.url}/invite/${code}`, 'es-ES,es;q=0.9');
    expect(es.tags['og:title']).toBe('Únete al canal «News &quot;&amp;&quot; &lt;b&gt;views&lt;/b&gt;» en Charla');
    expect(es.tags['og:description']).toBe('1 miembro · Daily links &amp; talk');
  });

  it("a group invite in a space names the space and unfurls from the space's database", async () => {
    const space = (await A.post<{ id: string }>('/spaces', { name: 'Unfurled' })).body.data;
    const inSpace = restAs(t.api, ana.accessToken, space.id);
    const c = (await inSpace.post<ConversationSummary>('/conversations', { kind: 'group', title: 'Space club' })).body
      .data;
    const created = await inSpace.post<Invite>(`/conversations/${c.id}/invites`, {});
    const { code, webUrl } = created.body.data;
    expect(webUrl).toBe(`${t.config.webUrl}/invite/${code}?space=${space.id}`);
    const page = await unfurl(`${t.url}/invite/${code}?space=${space.id}`);
    expect(page.tags['og:title']).toBe('Join the group “Space club” on Charla');
    expect(page.tags['og:url']).toBe(webUrl);
    // Without the space (or with another) the code names nothing: the plain page.
    expect((await unfurl(`${t.url}/invite/${code}`)).tags['og:title']).toBeUndefined();
    expect((await unfurl(`${t.url}/invite/${code}?space=nope`)).tags['og:title']).toBeUndefined();
  });

  it('a revoked, unknown or malformed invite gets the plain page: no name, no count', async () => {
    const { conversation, code } = await invite('Hidden', 'group', '');
    expect((await A.del(`/conversations/${conversation.id}/invites/${code}`)).status).toBe(200);
    for (const url of [
      `/invite/${code}`,
      '/invite/abcdEFGH1234',
      '/invite/%3Cscript%3E',
      `/invite/${'x'.repeat(200)}`,
    ]) {
      const page = await unfurl(`${t.url}${url}`);
      expect([url, page.status, page.tags]).toEqual([url, 200, {}]);
      expect(page.html).toBe(INDEX);
    }
  });
});
