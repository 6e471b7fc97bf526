import {
  expect,
  history,
  newUser,
  openConversation,
  registerEach,
  sendEncrypted,
  startDirectChat,
  test,
} from './support.ts';

/*
 * Forwarding in encrypted chats: the message (re-encrypted on the device) goes only to other encrypted
 * chats, where it arrives marked "Forwarded"; a plain chat is never offered as a target.
 */

test.setTimeout(120_000);

test('an encrypted message is forwarded to another encrypted chat, never to a plain one', async ({ browser }) => {
  const ana = newUser('Ana');
  const ben = newUser('Ben');
  const cy = newUser('Cy');
  const [a, b, c] = await registerEach(browser, [ana, ben, cy]);

  // Ana has a plain chat with Cy, and encrypted ones with Ben and with Cy.
  await startDirectChat(a.page, cy);
  await startDirectChat(a.page, cy, { encrypted: true });
  await sendEncrypted(a.page, 'Hi Cy, privately');
  await startDirectChat(a.page, ben, { encrypted: true });
  await sendEncrypted(a.page, 'Hi Ben');

  await openConversation(b.page, ana.name);
  const secret = `The door code is ${Date.now().toString(36)}`;
  await sendEncrypted(b.page, secret);

  const message = history(a.page).getByRole('article').filter({ hasText: secret });
  await expect(message).toBeVisible({ timeout: 30_000 });
  await message.getByRole('button', { name: 'Forward' }).click();
  const dialog = a.page.getByRole('dialog', { name: 'Forward message' });
  await expect(dialog.getByText('Only end-to-end encrypted chats are listed')).toBeVisible();
  // Two chats with Cy exist; only the encrypted one is offered (and the one with Ben it came from).
  await expect(dialog.getByRole('checkbox')).toHaveCount(2);
  await dialog.getByRole('checkbox', { name: cy.name }).check();
  await dialog.getByRole('button', { name: 'Forward' }).click();
  await expect(a.page.getByText('Message forwarded.')).toBeVisible({ timeout: 20_000 });

  // Cy reads it in the encrypted chat, marked forwarded.
  await c.page
    .getByRole('navigation', { name: 'Conversations' })
    .getByRole('button', { name: new RegExp(ana.name) })
    .filter({ has: c.page.getByRole('img', { name: 'End-to-end encrypted' }) })
    .click();
  const copy = history(c.page).getByRole('article').filter({ hasText: secret });
  await expect(copy).toBeVisible({ timeout: 30_000 });
  await expect(copy.getByText('Forwarded')).toBeVisible();
});
