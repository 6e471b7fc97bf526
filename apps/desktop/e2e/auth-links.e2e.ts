import { expect, mailedLink, newContext, newUser, test } from './support.ts';

test('sign-up validation, forgot password, and reset/verify links with bad tokens', async ({ page }) => {
  // Client-side validation names the field, before any request.
  await page.goto('/#/register');
  await page.getByLabel('Your name').fill('Val');
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByLabel(/^Password/).fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText('Enter a valid email address')).toBeVisible();
  await expect(page.getByText('At least 8 characters', { exact: true })).toBeVisible();
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');

  await page.goto('/#/forgot');
  // The same answer whether or not the address has an account (no account enumeration).
  await page.getByLabel('Email').fill('nobody-here@example.test');
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByText('If that address has an account, a reset link is on its way.')).toBeVisible();

  await page.goto('/reset-password?token=not-a-real-token-123');
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await page.getByRole('textbox', { name: 'New password' }).fill('another good password');
  await page.getByLabel('Repeat the password').fill('different password');
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByText('The passwords do not match.')).toBeVisible();
  await page.getByLabel('Repeat the password').fill('another good password');
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByRole('alert')).toBeVisible();

  await page.goto('/verify-email?token=not-a-real-token-123');
  await expect(page.getByText('This link is invalid or has expired.')).toBeVisible();
});

test('sign-up by the mailed link: the chosen password finishes it and signs in; the link works once', async ({
  browser,
  page,
  request,
}) => {
  const user = newUser('Linky');
  const started = await request.post('/api/v1/auth/register', {
    data: { email: user.email, username: user.username, password: user.password, displayName: user.name },
  });
  expect(started.status()).toBe(202);
  const link = new URL(await mailedLink(user.email));
  expect(link.pathname).toBe('/complete-signup');
  await page.goto(`${link.pathname}${link.search}`);
  await expect(page.getByRole('heading', { name: 'Finish signing up' })).toBeVisible();
  // Someone else's password (whoever typed this address) does not finish it.
  await page.getByLabel('Password').fill('not the chosen password');
  await page.getByRole('button', { name: 'Finish signing up' }).click();
  await expect(page.getByText('That is not the password chosen for this sign-up.')).toBeVisible();
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Finish signing up' }).click();
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
  // Once used, the link is dead (in a fresh, signed-out browser).
  const other = await newContext(browser);
  await other.page.goto(`${link.pathname}${link.search}`);
  await other.page.getByLabel('Password').fill(user.password);
  await other.page.getByRole('button', { name: 'Finish signing up' }).click();
  await expect(other.page.getByText(/invalid, expired or already used/)).toBeVisible();
  await other.context.close();
});
