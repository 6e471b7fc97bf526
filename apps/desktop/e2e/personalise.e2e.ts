import { expect, newContext, newUser, register, signIn, test } from './support.ts';

test('accent colour, text size, chat background and theme apply live and follow the account to another device', async ({
  browser,
}) => {
  const ana = newUser('Ana');
  const a = await newContext(browser);
  await register(a.page, ana);
  const html = a.page.locator('html');

  await a.page.getByRole('button', { name: 'Settings' }).click();
  const appearance = a.page.getByRole('region', { name: 'Appearance' });
  await appearance.getByLabel('Purple').check();
  await expect(html).toHaveAttribute('data-accent', 'purple');
  // The accent is live: a primary button takes the new colour at once.
  const saveButton = a.page.getByRole('button', { name: 'Save' }).first();
  await expect(saveButton).toHaveCSS('background-color', 'rgb(109, 63, 181)');
  await appearance.getByLabel('Large').check();
  await expect(html).toHaveAttribute('data-font-size', 'large');
  await expect(html).toHaveCSS('font-size', '17px');
  await appearance.getByLabel('Dots').check();
  await expect(html).toHaveAttribute('data-chat-bg', 'dots');
  await appearance.getByLabel('Dark').check();
  await expect(html).toHaveAttribute('data-theme', 'dark');

  // A second device (fresh browser profile) gets all of it from the account.
  const b = await newContext(browser);
  await signIn(b.page, ana);
  const html2 = b.page.locator('html');
  await expect(html2).toHaveAttribute('data-accent', 'purple');
  await expect(html2).toHaveAttribute('data-font-size', 'large');
  await expect(html2).toHaveAttribute('data-chat-bg', 'dots');
  await expect(html2).toHaveAttribute('data-theme', 'dark');

  // Back to the defaults: the attributes go away.
  await appearance.getByLabel('Green').check();
  await appearance.getByLabel('Medium').check();
  await appearance.getByLabel('Plain').check();
  await expect(html).not.toHaveAttribute('data-accent');
  await expect(html).not.toHaveAttribute('data-font-size');
  await expect(html).not.toHaveAttribute('data-chat-bg');
  await b.page.reload();
  await expect(b.page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
  await expect(html2).not.toHaveAttribute('data-accent');

  await a.context.close();
  await b.context.close();
});
