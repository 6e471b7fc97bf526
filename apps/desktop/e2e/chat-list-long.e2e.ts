import { expect, expectAxeClean, newContext, newUser, signIn, signUpUser, test } from './support.ts';

const CHATS = 60;

test('a long chat list mounts only the rows on screen, and keyboard, scrolling and the menu reach every chat', async ({
  browser,
  request,
}) => {
  const ana = newUser('Ana');
  const ben = newUser('Ben');
  const anaGrant = await signUpUser(request, ana);
  const benGrant = await signUpUser(request, ben);
  const tag = Date.now().toString(36);
  for (let i = 0; i < CHATS; i++) {
    const created = await request.post('/api/v1/conversations', {
      headers: { authorization: `Bearer ${anaGrant.accessToken}` },
      data: { kind: 'group', title: `Long ${tag} ${String(i).padStart(2, '0')}`, memberIds: [benGrant.user.id] },
    });
    expect(created.ok()).toBe(true);
  }
  const { context, page } = await newContext(browser);
  await signIn(page, ana);
  const list = page.getByRole('navigation', { name: 'Conversations' });
  const row = (i: number) =>
    list.locator('.conversation-row', { hasText: `Long ${tag} ${String(i).padStart(2, '0')}` });

  // Newest first; far fewer rows in the DOM than chats in the list.
  await expect(row(CHATS - 1)).toBeVisible();
  const mounted = await list.locator('.conversation-row').count();
  expect(mounted).toBeGreaterThan(3);
  expect(mounted).toBeLessThan(CHATS / 2);

  // Tab walks the chats in order, past the rows that were mounted at first.
  await row(CHATS - 1).focus();
  for (let n = 1; n <= mounted + 5; n++) await page.keyboard.press('Tab');
  const reached = row(CHATS - 1 - (mounted + 5));
  await expect(reached).toBeFocused();
  await expect(reached).toBeInViewport();
  await page.keyboard.press('Shift+Tab');
  await expect(row(CHATS - 1 - (mounted + 4))).toBeFocused();

  // Scrolled to the end: the oldest chat is there, and its menu pins it to the top.
  await list.locator('.conversations').evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await expect(row(0)).toBeVisible();
  await row(0).click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Pin chat' }).click();
  await list.locator('.conversations').evaluate((el) => {
    el.scrollTop = 0;
  });
  await expect(list.locator('.conversation-row').first()).toContainText(`Long ${tag} 00`);
  await expect(list.getByRole('img', { name: 'Pinned' })).toHaveCount(1);

  // The search box filters the whole list, not only the mounted rows.
  await list.getByRole('searchbox', { name: 'Search conversations' }).fill(`Long ${tag} 1`);
  await expect(list.getByRole('listitem')).toHaveCount(10);
  await expectAxeClean(page, 'long chat list');

  // A narrow window hides the list while a chat is open: back from a chat near its end lands on that row.
  await list.getByRole('searchbox', { name: 'Search conversations' }).fill('');
  await page.setViewportSize({ width: 400, height: 760 });
  await list.locator('.conversations').evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await row(3).click();
  await expect(list).toBeHidden();
  await page.getByRole('button', { name: 'Back to chats' }).click();
  await expect(row(3)).toBeFocused();
  await context.close();
});
