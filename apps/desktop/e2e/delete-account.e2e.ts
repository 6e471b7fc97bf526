import { expect, newContext, newUser, register, test } from './support.ts';

test('deleting my account asks for the password, signs me out and frees nothing else', async ({ browser, request }) => {
  const { context, page } = await newContext(browser);
  const me = newUser('Leaver');
  await register(page, me);

  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Delete my account' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'cannot be undone' })).toBeVisible();

  // A wrong password keeps the account.
  const password = page.getByRole('textbox', { name: 'Password', exact: true });
  await password.fill('not my password at all');
  await page.getByRole('button', { name: 'Delete my account for good' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'That password is not right.' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();

  await password.fill(me.password);
  await page.getByRole('button', { name: 'Delete my account for good' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  // The account is gone: its credentials no longer sign in.
  const login = await request.post('/api/v1/auth/login', {
    data: { login: me.email, password: me.password, client: 'desktop' },
  });
  expect(login.status()).toBe(401);
  await context.close();
});
