import { expect, newContext, newUser, openConversation, signIn, signUpUser, test } from './support.ts';

test('the open group shows its members presence live, for people I have no direct chat with', async ({
  browser,
  request,
}) => {
  const ana = newUser('Ana');
  const ben = newUser('Ben');
  const anaGrant = await signUpUser(request, ana);
  const benGrant = await signUpUser(request, ben);
  const title = `Presence ${Date.now().toString(36)}`;
  const created = await request.post('/api/v1/conversations', {
    headers: { authorization: `Bearer ${anaGrant.accessToken}` },
    data: { kind: 'group', title, memberIds: [benGrant.user.id] },
  });
  expect(created.ok()).toBe(true);

  const b = await newContext(browser);
  await signIn(b.page, ben);
  const a = await newContext(browser);
  await signIn(a.page, ana);
  await openConversation(a.page, title);
  await a.page.getByRole('button', { name: 'Group info' }).click();
  const panel = a.page.getByRole('complementary', { name: 'Group info' });
  const benRow = panel.getByRole('listitem').filter({ hasText: `@${ben.username}` });
  await expect(benRow.locator('.presence-dot.online')).toBeVisible();

  // Ben quits: the change reaches Ana live through the group-member subscription.
  await b.context.close();
  // (The offline dot is drawn as nothing, so check the state rather than visibility.)
  await expect(benRow.locator('.presence-dot.offline')).toBeAttached({ timeout: 15_000 });
  await expect(benRow.locator('.presence-dot.online')).toHaveCount(0);
  await a.context.close();
});
