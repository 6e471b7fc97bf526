import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import {
  apiToken,
  expect,
  history,
  newContext,
  newUser,
  openConversation,
  register,
  registerEach,
  sendEncrypted,
  test,
} from './support.ts';

/*
 * End-to-end encrypted chat in Chromium: two browser contexts create an encrypted direct chat, compare
 * their safety code, chat, and still see the messages after a reload (local encrypted store); a third
 * context that is not a member sees nothing, neither in the app nor through the API.
 */

test.setTimeout(90_000);

async function safetyCode(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Verify' }).click();
  const dialog = page.getByRole('dialog');
  const digits = dialog.getByTestId('safety-code');
  await expect(digits).toBeVisible({ timeout: 20_000 });
  await expect(dialog.getByRole('img', { name: 'QR code of the safety code' })).toBeVisible();
  return ((await digits.textContent()) ?? '').replace(/\s+/g, '');
}

test('two people chat end-to-end encrypted; the messages survive a reload; a non-member sees nothing', async ({
  browser,
  request,
}) => {
  const ana = newUser('Ana');
  const ben = newUser('Ben');
  const eve = newUser('Eve');
  const [a, b, e] = await registerEach(browser, [ana, ben, eve]);

  // Ana starts an encrypted direct chat: the dialog says what it means before she picks Ben.
  await a.page.getByRole('button', { name: 'New chat' }).first().click();
  const dialog = a.page.getByRole('dialog', { name: 'New chat' });
  await dialog.getByRole('checkbox', { name: 'End-to-end encrypted' }).check();
  await expect(dialog.getByText('If you lose all your devices, you lose this chat’s history.')).toBeVisible();
  await dialog.getByLabel('Search people by name or username').fill(ben.username);
  await dialog.getByRole('button', { name: new RegExp(ben.name) }).click();
  await expect(a.page.getByRole('heading', { level: 2, name: ben.name })).toBeVisible();
  await expect(a.page.getByText('Messages in this chat are end-to-end encrypted').first()).toBeVisible();
  await expect(a.page.getByText('Server search, translation and link previews are off')).toBeVisible();
  const conversationId = decodeURIComponent(a.page.url().split('#/c/')[1] ?? '');
  expect(conversationId).not.toBe('');

  await sendEncrypted(a.page, 'Our secret plan 🌵');

  // Ben gets it, decrypted on his device, with the lock on the conversation.
  await expect(
    b.page.getByRole('navigation', { name: 'Conversations' }).getByRole('img', { name: 'End-to-end encrypted' }),
  ).toBeVisible({ timeout: 20_000 });
  await openConversation(b.page, ana.name);
  await expect(history(b.page).getByText('Our secret plan 🌵')).toBeVisible({ timeout: 30_000 });
  await sendEncrypted(b.page, 'Agreed, Ana');
  await expect(history(a.page).getByText('Agreed, Ana')).toBeVisible({ timeout: 30_000 });

  // Both see the same safety code; Ana marks Ben verified.
  const codeA = await safetyCode(a.page);
  const codeB = await safetyCode(b.page);
  expect(codeA).toMatch(/^\d{60}$/);
  expect(codeA).toBe(codeB);
  await a.page.getByRole('button', { name: 'Mark as verified' }).click();
  await expect(a.page.getByRole('dialog').getByText('Verified', { exact: true })).toBeVisible();
  await a.page.keyboard.press('Escape');
  await b.page.keyboard.press('Escape');

  // A reload: the history comes back from each device's encrypted store.
  await a.page.reload();
  await b.page.reload();
  await expect(history(a.page).getByText('Our secret plan 🌵')).toBeVisible({ timeout: 30_000 });
  await expect(history(a.page).getByText('Agreed, Ana')).toBeVisible();
  await openConversation(b.page, ana.name);
  await expect(history(b.page).getByText('Our secret plan 🌵')).toBeVisible({ timeout: 30_000 });
  await sendEncrypted(b.page, 'Still here after reloading');
  await expect(history(a.page).getByText('Still here after reloading')).toBeVisible({ timeout: 30_000 });
  // Still verified after the reload (remembered on Ana's device).
  await a.page.getByRole('button', { name: 'Verify' }).click();
  await expect(a.page.getByRole('dialog').getByText('Verified', { exact: true })).toBeVisible({ timeout: 20_000 });
  await a.page.keyboard.press('Escape');

  // Eve is not a member: the chat is not in her list, its address shows nothing, the API answers 404.
  await expect(e.page.getByRole('navigation', { name: 'Conversations' }).getByText(ana.name)).toHaveCount(0);
  await e.page.goto(`/#/c/${encodeURIComponent(conversationId)}`);
  await expect(e.page.getByText('This conversation is not available.')).toBeVisible();
  await expect(e.page.getByText('Our secret plan')).toHaveCount(0);
  const token = await apiToken(request, eve);
  const log = await request.get(`/api/v1/e2ee/conversations/${conversationId}/messages`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(log.status()).toBe(404);
  // And what the server holds for members is ciphertext only.
  const anaToken = await apiToken(request, ana);
  const stored = await request.get(`/api/v1/e2ee/conversations/${conversationId}/messages`, {
    headers: { authorization: `Bearer ${anaToken}` },
  });
  expect(stored.status()).toBe(200);
  expect(await stored.text()).not.toContain('secret plan');

  await a.context.close();
  await b.context.close();
  await e.context.close();
});

test('the initial bundle stays under 250 KB gzip without MLS; the worker loads only for encrypted chats', async ({
  browser,
}) => {
  const dist = path.resolve(import.meta.dirname, '../dist');
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] ?? '');
  let gzip = 0;
  for (const file of initial) {
    const bytes = fs.readFileSync(path.join(dist, file));
    gzip += gzipSync(bytes).length;
    // ts-mls names its ciphersuites; none of that may be in what every visitor downloads.
    expect(bytes.includes('MLS_128_DHKEMX25519'), file).toBe(false);
  }
  expect(gzip).toBeLessThanOrEqual(250 * 1024);

  const { context, page } = await newContext(browser);
  await register(page, newUser('Plain'));
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
  const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((r) => r.name));
  expect(loaded.some((n) => n.includes('e2ee.worker'))).toBe(false);
  await context.close();
});
