import { expect, newContext, newUser, register, test } from './support.ts';

/**
 * Names that impersonate (issue 21 #11): invisible and text-direction characters are refused by the
 * shared schemas, and each form says so under its field instead of sending anything.
 */
const INVISIBLE = /Remove invisible or text-direction characters/;

test('invisible and text-direction characters in names are explained inline, everywhere', async ({ browser }) => {
  const ana = newUser('Ana');
  const { page } = await newContext(browser);

  // Sign-up: the display name field carries the error; nothing is created.
  await page.goto('/#/register');
  const name = page.getByLabel(/^Your name/);
  await name.fill('Ana\u202Egnp.exe');
  await page.getByLabel(/^Email/).fill(ana.email);
  await page.getByLabel(/^Username/).fill(ana.username);
  await page.getByLabel(/^Password/).fill(ana.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText(INVISIBLE)).toBeVisible();
  await expect(name).toHaveAttribute('aria-invalid', 'true');
  await expect(name).toHaveAccessibleDescription(INVISIBLE);
  await page.goto('/#/login');
  await register(page, ana);

  // A new group's title.
  await page.getByRole('button', { name: 'New chat' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New chat' });
  await dialog.getByRole('tab', { name: 'Group' }).click();
  const title = dialog.getByLabel('Name');
  await title.fill('Team\u200B');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog.getByText(INVISIBLE)).toBeVisible();
  await expect(title).toHaveAccessibleDescription(INVISIBLE);
  // Emoji sequences are fine, and the error goes once the title is.
  await title.fill('Team 👩‍💻');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Team 👩‍💻' })).toBeVisible();

  // The display name in Settings.
  await page.getByRole('button', { name: 'Settings' }).click();
  const displayName = page.getByLabel('Your name');
  await displayName.fill('Ana\u2067');
  await page.getByRole('button', { name: 'Save' }).first().click();
  await expect(page.getByText(INVISIBLE)).toBeVisible();
  await expect(displayName).toHaveAttribute('aria-invalid', 'true');
});
