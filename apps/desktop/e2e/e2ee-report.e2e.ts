import {
  anaAndBen,
  apiAccount,
  expect,
  history,
  newContext,
  openConversation,
  SITE_ADMIN,
  signIn,
  startDirectChat,
  test,
} from './support.ts';

/*
 * Reporting an encrypted message (message franking): the reporter's device reveals the message and its
 * franking key, the server checks them against the commitment it stored beside the ciphertext, and the
 * moderator reads the verified content in Administration (with no "delete message": the server holds
 * only ciphertext of it).
 */

test.setTimeout(120_000);

test('a reported encrypted message reaches the moderator verified, with its revealed text', async ({
  browser,
  request,
}) => {
  expect((await apiAccount(request, SITE_ADMIN)).user.role).toBe('admin');
  const { ana, ben, a, b } = await anaAndBen(browser);

  await startDirectChat(a.page, ben, { encrypted: true });
  const box = a.page.getByRole('textbox', { name: 'Encrypted message' });
  await expect(box).toBeEnabled({ timeout: 30_000 });
  const abusive = `Send me your password ${Date.now().toString(36)}`;
  await box.fill(abusive);
  await box.press('Enter');
  await expect(history(a.page).getByText(abusive)).toBeVisible({ timeout: 20_000 });

  await openConversation(b.page, ana.name);
  const message = history(b.page).getByRole('article').filter({ hasText: abusive });
  await expect(message).toBeVisible({ timeout: 30_000 });
  await message.getByRole('button', { name: 'Report' }).click();
  await expect(b.page.getByText('Reported to the moderators')).toBeVisible({ timeout: 20_000 });

  const m = await newContext(browser);
  await signIn(m.page, SITE_ADMIN);
  await m.page.getByRole('button', { name: 'Administration' }).click();
  const row = m.page.getByRole('listitem').filter({ hasText: abusive });
  await expect(row).toBeVisible({ timeout: 20_000 });
  await expect(row).toContainText('Encrypted message revealed by the reporter, verified against what the sender sent');
  await expect(row.getByRole('button', { name: 'Delete message' })).toHaveCount(0);
  await row.getByRole('button', { name: 'Resolve' }).click();
  await expect(m.page.getByRole('listitem').filter({ hasText: abusive })).toHaveCount(0);

  await a.context.close();
  await b.context.close();
  await m.context.close();
});
