import { expect, expectAxeClean, newContext, newUser, register, test } from './support.ts';

test('a profile link and its QR code open a chat with that person', async ({ browser }) => {
  const ana = newUser('Ana');
  const ben = newUser('Ben');
  const b = await newContext(browser);
  await register(b.page, ben);
  await b.page.getByRole('button', { name: 'Settings' }).click();
  const link = b.page.getByRole('textbox', { name: 'Your profile link' });
  await expect(link).toHaveValue(new RegExp(`/u/${ben.username}$`));
  const url = await link.inputValue();
  const qr = b.page.getByRole('img', { name: 'QR code of your profile link' });
  await expect.poll(() => qr.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(100);
  await expect(b.page.getByText(`charla://u/${ben.username}`)).toBeVisible();
  await expectAxeClean(b.page, 'settings with profile link');

  const { page } = await newContext(browser);
  await register(page, ana);
  await page.goto(new URL(url).pathname);
  await expect(page.getByRole('heading', { name: ben.name })).toBeVisible();
  await expectAxeClean(page, 'profile landing');
  await page.getByRole('button', { name: `Message ${ben.name}` }).click();
  await expect(page.getByRole('heading', { level: 2, name: ben.name })).toBeVisible();
  // The path-style link became a hash route: reloading keeps working.
  expect(new URL(page.url()).pathname).toBe('/');

  // Someone who is not there: said plainly.
  await page.goto('/u/nobody_by_that_name');
  await expect(page.getByRole('alert')).toBeVisible();
});
