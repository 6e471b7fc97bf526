import { anaAndBen, expect, expectAxeClean, openConversation, startDirectChat, test } from './support.ts';

test('social profiles: set in Settings with a visibility each; a chat partner sees the ones meant for them', async ({
  browser,
}) => {
  const { ana, ben, a, b } = await anaAndBen(browser);
  const { page } = a;
  await startDirectChat(page, ben);

  await page.getByRole('button', { name: 'Settings' }).click();
  const github = page.getByRole('form', { name: 'GitHub' });
  await github.getByLabel('GitHub').fill('-not-valid');
  await github.getByRole('button', { name: 'Save' }).click();
  await expect(github.getByRole('alert')).toBeVisible();
  await github.getByLabel('GitHub').fill('@ana-dev');
  await github.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('GitHub saved')).toBeVisible();
  await expect(github.getByLabel('GitHub')).toHaveValue('ana-dev');

  const x = page.getByRole('form', { name: 'X' });
  await x.getByLabel('X').fill('ana_x');
  await x.getByLabel('Who sees it').selectOption('shared');
  await x.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('X saved')).toBeVisible();
  const site = page.getByRole('form', { name: 'Website' });
  await site.getByLabel('Website').fill('https://ana.example/');
  await site.getByLabel('Who sees it').selectOption('hidden');
  await site.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Website saved')).toBeVisible();
  await expectAxeClean(page, 'settings with social profiles');

  // Ben chats with Ana: public and "people I chat with" are shown, the hidden website is not.
  await openConversation(b.page, ana.name);
  await b.page.getByRole('button', { name: 'Details' }).click();
  const links = b.page.getByRole('list', { name: 'Social profiles' });
  await expect(links.getByRole('link')).toHaveText(['GitHub: @ana-dev', 'X: @ana_x']);
  await expect(links.getByRole('link', { name: 'GitHub: @ana-dev' })).toHaveAttribute(
    'href',
    'https://github.com/ana-dev',
  );
  await expect(links.getByText('Verified')).toHaveCount(0);
});
