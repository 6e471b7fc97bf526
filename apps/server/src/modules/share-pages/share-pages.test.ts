import fs from 'node:fs';
import path from 'node:path';
import type { ConversationSummary, Invite } from '@charla/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Rest, restAs } from '../../../test/chat.ts';
import { type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';

const INDEX =
  '<!doctype html><html><head><meta charset="utf-8"><title>Charla</title></head><body><div id="root"></div></body></html>';

/** The page a crawler gets: its status, and its meta tags as { key: content }. */
async function unfurl(url: string, lang = 'en') {
  const res = await fetch(url, { headers: { 'Accept-Language': lang, 'User-Agent': 'Twitterbot/1.0' } });
  const html = await res.text();
  const tags = Object.fromEntries(
    [...html.matchAll(/<meta (?:property|name)="([^"]+)" content="([^"]*)">/g)].map((m) => [m[1], m[2]]),
  );
  return { status: res.status, html, tags };
}

describe('invite links unfurl with Open Graph and Twitter Card tags', () => {
  let t: TestApp;
  let dist: string;
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
    dist = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'charla-dist-'));
    fs.writeFileSync(path.join(dist, 'index.html'), INDEX);
    t = await startTestApp({ env: { WEB_DIST_DIR: dist } });
    ana = await registerUser(t);
    A = restAs(t.api, ana.accessToken);
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dist, { recursive: true, force: true });
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
