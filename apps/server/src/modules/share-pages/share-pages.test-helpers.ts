/** What the share-page tests share: a stand-in web client page, and what a crawler sees. */
import fs from 'node:fs';
import path from 'node:path';
import { startTestApp, type TestApp } from '../../../test/harness.ts';

export const INDEX =
  '<!doctype html><html><head><meta charset="utf-8"><title>Charla</title></head><body><div id="root"></div></body></html>';

/** The page a crawler gets: its status, and its meta tags as { key: content }. */
export async function unfurl(url: string, lang = 'en') {
  const res = await fetch(url, { headers: { 'Accept-Language': lang, 'User-Agent': 'Twitterbot/1.0' } });
  const html = await res.text();
  const tags = Object.fromEntries(
    [...html.matchAll(/<meta (?:property|name)="([^"]+)" content="([^"]*)">/g)].map((m) => [m[1], m[2]]),
  );
  return { status: res.status, html, tags };
}

/** The test app serving a web client (INDEX) from a temp dir, as share pages need; close() removes it. */
export async function startWithWebClient(): Promise<TestApp> {
  const dist = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'charla-dist-'));
  fs.writeFileSync(path.join(dist, 'index.html'), INDEX);
  const t = await startTestApp({ env: { WEB_DIST_DIR: dist } });
  return {
    ...t,
    close: async () => {
      await t.close();
      fs.rmSync(dist, { recursive: true, force: true });
    },
  };
}
