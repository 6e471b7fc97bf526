import { createGroup, expect, history, newUser, registerEach, send, test } from './support.ts';

test('a newcomer joins a group through an invite link and does not see older history', async ({ browser }) => {
  const ana = newUser('Ana');
  const ben = newUser('Ben');
  const cara = newUser('Cara');
  const [a, b, c] = await registerEach(browser, [ana, ben, cara]);

  await createGroup(a.page, 'Weekend plans', [ben]);
  await send(a.page, 'Secret from before Cara joined');
  await expect(history(a.page).getByText('Secret from before Cara joined')).toBeVisible();

  // Create an invite link in the group panel.
  await a.page.getByRole('button', { name: 'Group info' }).click();
  const panel = a.page.getByRole('complementary', { name: 'Group info' });
  await panel.getByRole('button', { name: 'Edit name, description and picture' }).click();
  await panel.getByLabel('Description').fill('Sun and hiking');
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(a.page.getByText('Saved.')).toBeVisible();
  await panel.getByRole('button', { name: 'Create link' }).click();
  const link = await panel.getByLabel('Invite link').first().inputValue();
  const code = new URL(link).pathname.split('/').pop() ?? '';
  expect(code).toMatch(/^[A-Za-z0-9_-]{8,}$/);

  // Cara opens the web link, sees a preview and joins.
  await c.page.goto(`/invite/${code}`);
  await expect(c.page.getByRole('heading', { name: 'Weekend plans' })).toBeVisible();
  await expect(c.page.getByText('Sun and hiking')).toBeVisible();
  await c.page.getByRole('button', { name: 'Join' }).click();
  await expect(c.page.getByRole('heading', { level: 2, name: 'Weekend plans' })).toBeVisible();
  await expect(c.page.getByText(/joined/).first()).toBeVisible();
  await expect(c.page.getByText('Secret from before Cara joined')).toHaveCount(0);

  // New messages reach her live.
  await send(a.page, 'Welcome Cara!');
  await expect(history(c.page).getByText('Welcome Cara!')).toBeVisible();
  // Ben has the group in his list with the new messages counted as unread.
  await expect(b.page.getByRole('navigation', { name: 'Conversations' }).getByText('Weekend plans')).toBeVisible();

  // A revoked or unknown invite shows an error instead of a join button.
  await c.page.goto('/invite/doesnotexist123');
  await expect(c.page.getByRole('alert')).toContainText(/Not found|no longer available/);

  for (const x of [a, b, c]) await x.context.close();
});
