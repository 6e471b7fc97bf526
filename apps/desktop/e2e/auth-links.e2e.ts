import { expect, test } from '@playwright/test';
import { newUser } from './support.ts';

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

  // A taken email is refused by the server with a readable message.
  const user = newUser('Val');
  for (const attempt of [0, 1]) {
    await page.goto('/#/register');
    await page.getByLabel('Your name').fill(user.name);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel(/^Password/).fill(user.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    if (attempt === 0) {
      await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByRole('region', { name: 'Account' }).getByRole('button', { name: 'Sign out' }).click();
      await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    } else {
      await expect(page.getByRole('alert')).toBeVisible();
    }
  }

  await page.goto('/#/forgot');
  await page.getByLabel('Email').fill(user.email);
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
