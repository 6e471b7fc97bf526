import {
  createGroup,
  expect,
  history,
  newContext,
  newUser,
  openConversation,
  register,
  send,
  signIn,
  test,
} from './support.ts';

test('a message written offline is sent once the connection returns, exactly once', async ({ browser }) => {
  // Ana and her second device (sign-ups are rate-limited per IP, sign-ins are not).
  const ana = newUser('Ana');
  const a = await newContext(browser);
  const b = await newContext(browser);
  await register(a.page, ana);
  await createGroup(a.page, 'Notes to self', []);
  await signIn(b.page, ana);
  await send(a.page, 'online hello');
  await openConversation(b.page, 'Notes to self');
  await expect(history(b.page).getByText('online hello')).toBeVisible();

  await a.context.setOffline(true);
  await expect(a.page.getByText(/You are offline/)).toBeVisible();
  await send(a.page, 'written while offline');
  await expect(history(a.page).getByRole('img', { name: 'Sending' })).toBeVisible();
  // Survives a reload while still offline? The outbox is in IndexedDB; here we just wait a little.
  await a.page.waitForTimeout(1_000);
  await expect(history(b.page).getByText('written while offline')).toHaveCount(0);

  await a.context.setOffline(false);
  await expect(history(b.page).getByText('written while offline')).toHaveCount(1);
  await expect(history(a.page).getByRole('img', { name: 'Sending' })).toHaveCount(0);
  await expect(history(a.page).getByText('written while offline')).toHaveCount(1);

  // After a reload both sides still show it once (no duplicate on the server).
  await b.page.reload();
  await openConversation(b.page, 'Notes to self');
  await expect(history(b.page).getByText('written while offline')).toHaveCount(1);

  await a.context.close();
  await b.context.close();
});
