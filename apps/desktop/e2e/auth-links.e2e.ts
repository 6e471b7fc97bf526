import { expect, test } from './support.ts';

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
