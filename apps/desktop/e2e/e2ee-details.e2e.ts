import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { anaAndBen, apiToken, expect, history, openConversation, startDirectChat, test } from './support.ts';

/*
 * What an encrypted chat shows from the device's own decrypted store: the list's unread count and
 * preview, replies with their quote, any-emoji reactions, and the details panel's Media / Files /
 * Links; the server refuses to list them (content policy), and read receipts survive a reload.
 */

test.setTimeout(90_000);

test('an encrypted chat on the device: unread, preview, reply, reactions, links; the server lists none', async ({
  browser,
  request,
}) => {
  // A canary the server must never hold in clear (scanned in its data folder at the end).
  const canary = `secret-plan-${Date.now().toString(36)}`;
  const { ana, ben, a, b } = await anaAndBen(browser);

  await startDirectChat(a.page, ben, { encrypted: true });
  const conversationId = decodeURIComponent(a.page.url().split('#/c/')[1] ?? '');

  const box = a.page.getByRole('textbox', { name: 'Encrypted message' });
  await expect(box).toBeEnabled({ timeout: 30_000 });
  await box.fill(`the plan is at https://example.org/${canary}`);
  await box.press('Enter');
  await expect(history(a.page).getByText(`https://example.org/${canary}`)).toBeVisible({ timeout: 20_000 });

  // Ana's details panel: the links tab reads her device's store and says so.
  await a.page.getByRole('button', { name: 'Details' }).click();
  const panel = a.page.getByRole('complementary', { name: 'Details' });
  await panel.getByRole('tab', { name: 'Links' }).click();
  await expect(
    panel.getByText('From this device only: the server cannot see what an encrypted chat shared.'),
  ).toBeVisible();
  await expect(panel.getByRole('link', { name: `https://example.org/${canary}` })).toBeVisible({
    timeout: 20_000,
  });
  await panel.getByRole('tab', { name: 'Files' }).click();
  await expect(panel.getByText('No files yet')).toBeVisible();

  // Ben's device counts the unread message itself (the server cannot tell a text from a reaction).
  const benRow = b.page
    .getByRole('navigation', { name: 'Conversations' })
    .getByRole('button', { name: new RegExp(ana.name) });
  await expect(benRow.getByText('1 unread')).toBeAttached({ timeout: 30_000 });
  // The row previews the message decrypted on Ben's device (the server has no text to give).
  await expect(benRow).toContainText(`the plan is at https://example.org/${canary}`);
  // The count is the list's own: the Unread filter keeps the chat.
  const nav = b.page.getByRole('navigation', { name: 'Conversations' });
  await nav.getByRole('button', { name: 'Unread', exact: true }).click();
  await expect(benRow).toBeVisible();
  await nav.getByRole('button', { name: 'All', exact: true }).click();
  // It decrypts the same message and lists the same link; reading it clears the count.
  await openConversation(b.page, ana.name);
  await expect(history(b.page).getByText(`https://example.org/${canary}`)).toBeVisible({ timeout: 30_000 });
  await expect(benRow.getByText(/unread/)).toHaveCount(0);

  // Ben replies to it: the quote travels inside the ciphertext and Ana's device shows it.
  const original = history(b.page).getByRole('article').filter({ hasText: canary });
  await original.getByRole('button', { name: 'Reply' }).click();
  await expect(b.page.getByText('Replying to')).toBeVisible();
  const benBox = b.page.getByRole('textbox', { name: 'Encrypted message' });
  await benBox.fill('Got it, see you there');
  await benBox.press('Enter');
  const reply = history(a.page).getByRole('article').filter({ hasText: 'Got it, see you there' });
  await expect(reply.locator('blockquote')).toContainText('the plan is at', { timeout: 30_000 });
  // Ana reacts with any emoji (the picker); Ben's device shows it, and Ana can take it back.
  await reply.getByRole('button', { name: 'More reactions' }).click();
  await a.page.getByRole('searchbox', { name: 'Search emoji' }).fill('rocket');
  await a.page.getByRole('gridcell', { name: 'Rocket' }).click();
  const benReply = history(b.page).getByRole('article').filter({ hasText: 'Got it, see you there' });
  await expect(benReply.getByRole('button', { name: 'React with 🚀' })).toContainText('1', { timeout: 30_000 });
  await reply.getByRole('button', { name: 'React with 🚀' }).click();
  await expect(benReply.getByRole('button', { name: 'React with 🚀' })).toHaveCount(0, { timeout: 30_000 });
  // Ben edits his reply: the composer starts from its text; Ana's device shows the new text, edited.
  await benReply.getByRole('button', { name: 'Edit' }).click();
  await expect(benBox).toHaveValue('Got it, see you there');
  await benBox.fill('Got it, see you at six');
  await b.page.getByRole('button', { name: 'Save' }).click();
  const edited = history(a.page).getByRole('article').filter({ hasText: 'Got it, see you at six' });
  await expect(edited.getByText('edited')).toBeVisible({ timeout: 30_000 });
  await expect(benBox).toHaveValue('');
  await b.page.getByRole('button', { name: 'Details' }).click();
  const benPanel = b.page.getByRole('complementary', { name: 'Details' });
  await benPanel.getByRole('tab', { name: 'Links' }).click();
  await expect(benPanel.getByRole('link', { name: `https://example.org/${canary}` })).toBeVisible({ timeout: 20_000 });

  // The server has nothing to list, and says why.
  const token = await apiToken(request, ana);
  const shared = await request.get(`/api/v1/conversations/${conversationId}/shared?kind=link`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(shared.status()).toBe(409);
  expect(await shared.json()).toMatchObject({ code: 'encrypted_conversation' });

  // The read receipt reached the server: after a reload the chat is still read.
  await b.page.reload();
  await expect(benRow).toBeVisible({ timeout: 20_000 });
  await expect(history(b.page).getByText('Got it, see you at six')).toBeVisible({ timeout: 30_000 });
  await expect(benRow.getByText(/unread/)).toHaveCount(0);

  // Nothing the server wrote (database, WAL, media, outbox) holds the canary in clear.
  const dataDir = path.join(os.tmpdir(), `charla-e2e-${process.env.CHARLA_E2E_PORT ?? '4100'}`);
  const files = (fs.readdirSync(dataDir, { recursive: true }) as string[])
    .map((f) => path.join(dataDir, f))
    .filter((f) => fs.statSync(f).isFile());
  expect(files.some((f) => f.endsWith('.sqlite'))).toBe(true);
  for (const f of files) expect(fs.readFileSync(f).includes(canary), f).toBe(false);

  await a.context.close();
  await b.context.close();
});
