import { expect, expectAxeClean, newContext, newUser, register, startDirectChat, test } from './support.ts';

test('add someone to contacts from a chat, nickname and star them; New chat lists contacts first', async ({
  browser,
}) => {
  // Three sign-ups with their mailed codes and two axe scans: over 30 s on a loaded machine.
  test.setTimeout(60_000);
  const ana = newUser('Ana');
  const ben = newUser('Ben');
  const cy = newUser('Cy');
  for (const u of [ben, cy]) await register((await newContext(browser)).page, u);
  const { page } = await newContext(browser);
  await register(page, ana);
  await startDirectChat(page, ben);

  await page.getByRole('button', { name: 'Details' }).click();
  const panel = page.getByRole('complementary', { name: 'Details' });
  await panel.getByRole('button', { name: `Add ${ben.name} to contacts` }).click();
  await expect(page.getByText(`${ben.name} added to your contacts`)).toBeVisible();

  const nickname = panel.getByLabel('Nickname (only you see it)');
  // A nickname the server would refuse is explained under the field and not sent.
  await nickname.fill('Ben\u202e');
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByRole('alert')).toBeVisible();
  await nickname.fill('Benji');
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Contact saved')).toBeVisible();
  await panel.getByRole('checkbox', { name: 'Favourite' }).check();
  await expect(page.getByText(`${ben.name} is a favourite`)).toBeVisible();
  await expectAxeClean(page, 'details with a contact');

  // Cy is found by search but is not a contact: listed after the contacts.
  await page.getByRole('button', { name: 'New chat' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New chat' });
  const mine = dialog.getByRole('list', { name: 'Contacts' });
  await expect(mine.getByRole('button', { name: /Benji/ })).toBeVisible();
  await expect(mine.getByText('Favourite')).toBeAttached();
  await expectAxeClean(page, 'new chat with contacts');
  await dialog.getByLabel('Search people by name or username').fill(cy.username);
  await expect(mine).toHaveCount(0);
  await dialog.getByRole('button', { name: new RegExp(cy.name) }).click();
  await expect(page.getByRole('heading', { level: 2, name: cy.name })).toBeVisible();

  // Back in Ben's chat through New chat's contact list; then remove him.
  await page.getByRole('button', { name: 'New chat' }).first().click();
  await dialog.getByRole('list', { name: 'Contacts' }).getByRole('button', { name: /Benji/ }).click();
  await expect(page.getByRole('heading', { level: 2, name: ben.name })).toBeVisible();
  await page.getByRole('button', { name: 'Details' }).click();
  await panel.getByRole('button', { name: `Remove ${ben.name} from contacts` }).click();
  await expect(panel.getByRole('button', { name: `Add ${ben.name} to contacts` })).toBeVisible();
  await page.getByRole('button', { name: 'New chat' }).first().click();
  await expect(dialog.getByRole('list', { name: 'Contacts' })).toHaveCount(0);
});
