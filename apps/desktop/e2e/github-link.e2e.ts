import type { Page } from '@playwright/test';
import { expect, expectAxeClean, newContext, newUser, register, test } from './support.ts';

/*
 * Linked accounts against the GitHub stand-in the e2e server starts (scripts/e2e-server.mjs):
 * its consent page asks for a GitHub login, then sends the browser back to Charla.
 */

let seq = 0;
const githubLogin = () => `octo-e2e-${Date.now().toString(36)}-${++seq}`;

/** On the stand-in's consent page: approve as `login`. */
async function approveAtGithub(page: Page, login: string) {
  await expect(page.getByRole('heading', { name: 'Authorize Charla' })).toBeVisible();
  await page.getByLabel('GitHub login').fill(login);
  await page.getByRole('button', { name: 'Authorize' }).click();
}

async function openSettings(page: Page) {
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Linked accounts' })).toBeVisible();
}

test('link GitHub in Settings, sign out, sign in with GitHub, and see the verified GitHub profile', async ({
  browser,
}) => {
  const ana = newUser('Ana');
  const login = githubLogin();
  const { page } = await newContext(browser);
  await register(page, ana);
  await openSettings(page);
  const section = page.getByRole('region', { name: 'Linked accounts' });
  await expect(section.getByText('No linked accounts yet.')).toBeVisible();

  await section.getByRole('button', { name: 'Link GitHub' }).click();
  await approveAtGithub(page, login);
  await expect(page.getByRole('status').filter({ hasText: 'GitHub account linked' })).toBeVisible();
  await expect(section.getByText(`GitHub account ${login}`)).toBeVisible();
  await expect(section.getByText(/^Linked \d/)).toBeVisible();
  const githubRow = page.getByRole('form', { name: 'GitHub' });
  await expect(githubRow.getByLabel('GitHub')).toHaveValue(login);
  await expect(githubRow.getByText('Verified')).toBeVisible();
  await expectAxeClean(page, 'settings with a linked GitHub account');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
  await approveAtGithub(page, login);
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
  await openSettings(page);
  // The same account (Ana's), with the GitHub profile still verified.
  await expect(page.getByLabel('Your name')).toHaveValue(ana.name);
  await expect(page.getByRole('form', { name: 'GitHub' }).getByText('Verified')).toBeVisible();
});

test('a GitHub account linked to someone else is refused with a clear message; the last way in stays', async ({
  browser,
}) => {
  const login = githubLogin();
  // Bea signs up with GitHub: it is her only way to sign in.
  const bea = await newContext(browser);
  await bea.page.goto('/');
  await bea.page.getByRole('link', { name: 'Sign in with GitHub' }).click();
  await approveAtGithub(bea.page, login);
  await expect(bea.page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
  await openSettings(bea.page);
  await bea.page.getByRole('button', { name: `Unlink GitHub account ${login}` }).click();
  await expect(bea.page.getByRole('alert').filter({ hasText: 'This is your only way to sign in' })).toBeVisible();
  await expect(bea.page.getByText(`GitHub account ${login}`)).toBeVisible();

  // Carl tries to link the same GitHub account to his own Charla account.
  const carl = newUser('Carl');
  const { page } = await newContext(browser);
  await register(page, carl);
  await openSettings(page);
  await page.getByRole('button', { name: 'Link GitHub' }).click();
  await approveAtGithub(page, login);
  await expect(page.getByRole('alert').filter({ hasText: 'already linked to another Charla account' })).toBeVisible();
  await expect(page.getByText('No linked accounts yet.')).toBeVisible();
});
