import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, history, newContext, newUser, register, signUpOverApi, test } from './support.ts';

/**
 * A fixed corpus of attack strings, planted through the API as a display name, a group title, a file
 * name and messages, then rendered by the web client: every one must show as literal text, with no
 * dialog, no script run (each payload would set window.__pwned) and no element injected.
 */
const CORPUS = [
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=1">',
  '"><svg onload="window.__pwned=1">',
  "'><iframe src=javascript:window.__pwned=1>",
  '<a href="javascript:window.__pwned=1">click me</a>',
  'javascript:window.__pwned=1',
  '<style>*{display:none}</style>visible',
  '<math><mi xlink:href="javascript:window.__pwned=1">x</mi></math>',
  '{{constructor.constructor("window.__pwned=1")()}}',
  "'; DROP TABLE messages; --",
  '{"$ne": null}',
  '../../../../etc/passwd',
  '\u202eevil.exe\u202c',
  'Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358\u0359 zalgo',
];
const NAME = '<img src=x onerror="window.__pwned=1">Mallory';
const TITLE = '<script>window.__pwned=1</script>Group';
const FILE_NAME = '<img src=x onerror="window.__pwned=1">.txt';

async function api<T>(page: Page, method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await page.request.fetch(`/api/v1${path}`, {
    method,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    data: body,
  });
  expect(res.status(), `${method} ${path}`).toBeLessThan(300);
  return ((await res.json()) as { data: T }).data;
}

test('the attack corpus renders as inert text in names, titles, file names and messages', async ({ browser }) => {
  const viewer = newUser('Viewer');
  const { page } = await newContext(browser);
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await register(page, viewer);

  // The attacker exists only through the API.
  const stamp = Date.now().toString(36);
  const attacker = await signUpOverApi(page.request, {
    email: `mallory-${stamp}@example.test`,
    username: `mallory${stamp}`,
    password: 'correct horse battery',
    displayName: NAME,
  });
  const token = attacker.accessToken;
  const found = await api<{ items: { id: string }[] }>(page, 'GET', `/users?q=${viewer.username}`, token);
  const viewerId = found.items[0]?.id ?? '';
  const group = await api<{ id: string }>(page, 'POST', '/conversations', token, {
    kind: 'group',
    title: TITLE,
    memberIds: [viewerId],
  });
  const upload = await page.request.post('/api/v1/media', {
    headers: { Authorization: `Bearer ${token}` },
    multipart: { file: { name: FILE_NAME, mimeType: 'text/plain', buffer: Buffer.from('just text\n') } },
  });
  expect(upload.status()).toBe(201);
  const mediaId = ((await upload.json()) as { data: { id: string } }).data.id;
  await api(page, 'POST', `/conversations/${group.id}/messages`, token, {
    clientMsgId: `file-${stamp}`,
    text: 'attachment',
    attachments: [mediaId],
  });
  for (const [i, text] of CORPUS.entries())
    await api(page, 'POST', `/conversations/${group.id}/messages`, token, { clientMsgId: `atk-${stamp}-${i}`, text });

  await page
    .getByRole('navigation', { name: 'Conversations' })
    .locator('.conversation-row')
    .filter({ hasText: TITLE })
    .click();
  const log = history(page);
  // Every string is shown literally (markup as text, not parsed).
  for (const text of CORPUS) await expect(log.getByText(text, { exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: TITLE })).toBeVisible();
  await expect(log.getByText(NAME).first()).toBeVisible();
  // The multipart encoder percent-encodes the quotes in the file name; the markup stays text either way.
  await expect(log.getByText(/^<img src=x onerror=.*\.txt$/).first()).toBeVisible();

  // Nothing ran and nothing was injected.
  expect(dialogs).toEqual([]);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  await expect(page.locator('script:not([src]):not([type])')).toHaveCount(0);
  await expect(page.locator('[onerror], [onload], iframe, math, img[src="x"]')).toHaveCount(0);
  await expect(log.locator('a[href^="javascript:"]')).toHaveCount(0);
  await expect(log.locator('style')).toHaveCount(0);

  // Figures for RELIABILITY.md (scripts/reliability-report.mjs).
  const dir = path.resolve(import.meta.dirname, '../../../test-results/reliability');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'attack-corpus.json'),
    `${JSON.stringify(
      {
        family: 'hostile input',
        scenario: 'Attack corpus rendered by the web client (Chromium)',
        command: 'npx playwright test -c apps/desktop/playwright.config.ts attack-corpus',
        inputsTried: CORPUS.length + 3,
        surfaces: 'messages, display name, group title, file name',
        dialogsFired: dialogs.length,
        scriptsRun: 0,
        injectedElements: 0,
        outcome: 'held',
        recordedAt: new Date().toISOString(),
      },
      null,
      2,
    )}\n`,
  );
});
