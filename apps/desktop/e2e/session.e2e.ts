import { expect, newContext, newUser, register, test } from './support.ts';

test('signing in on a second device, then revoking the first, sends the first back to the login screen', async ({
  browser,
}) => {
  const ana = newUser('Ana');
  const first = await newContext(browser);
  await register(first.page, ana);

  const second = await newContext(browser);
  await second.page.goto('/');
  await second.page.getByLabel('Email or username').fill(ana.username);
  await second.page.getByLabel('Password').fill('wrong password');
  await second.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(second.page.getByRole('alert')).toContainText('did not match');
  await second.page.getByLabel('Password').fill(ana.password);
  await second.page.getByRole('button', { name: 'Sign in' }).click();
  await expect(second.page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();

  // A reload keeps the session (refresh cookie), without asking for the password again.
  await second.page.reload();
  await expect(second.page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();

  await second.page.getByRole('button', { name: 'Settings' }).click();
  const devices = second.page.getByRole('region', { name: 'Devices' });
  await expect(devices.getByText('this device')).toBeVisible();
  await devices.getByRole('button', { name: 'Sign out' }).first().click();

  await expect(first.page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expect(first.page.getByRole('status').filter({ hasText: 'Your session ended' })).toBeVisible();

  // Signing out on the second device ends that session too.
  await second.page.getByRole('region', { name: 'Account' }).getByRole('button', { name: 'Sign out' }).click();
  await expect(second.page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await second.page.reload();
  await expect(second.page.getByRole('heading', { name: 'Sign in' })).toBeVisible();

  await first.context.close();
  await second.context.close();
});
