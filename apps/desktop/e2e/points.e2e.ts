import {
  anaAndBen,
  createGroup,
  expect,
  expectAxeClean,
  openConversation,
  send,
  startDirectChat,
  test,
} from './support.ts';

test('earning "First words": live toast, badge on my profile and on theirs, hidden when I hide it', async ({
  browser,
}) => {
  // Two sign-ups with their emailed codes and two axe scans: slow on a loaded machine, not stuck.
  test.setTimeout(90_000);
  const { ana, ben, a, b } = await anaAndBen(browser);
  const { page } = a;

  // A group with someone else in it (direct chats of day-old accounts earn nothing).
  await createGroup(page, 'Trail club', [ben]);
  // Under the language detector's 10 letters: no Polyglot award, so the totals below are these two.
  await send(page, 'Saturday?');
  const toast = page.getByRole('status').filter({ hasText: 'Achievement unlocked: First words (bronze)' });
  await expect(toast).toBeVisible();
  await toast.getByRole('button', { name: 'View' }).click();

  await expect(page.getByRole('heading', { level: 1, name: 'Achievements' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Level 1' })).toBeVisible();
  await expect(page.getByText('7 points', { exact: true })).toBeVisible();
  const firstWords = page.locator('[data-achievement="first_words"]');
  await expect(firstWords).toContainText('Earned: bronze');
  const helpful = page.locator('[data-achievement="helpful"]');
  await expect(helpful).toContainText('Locked');
  await expect(helpful).toContainText('0/10 for bronze');
  const recent = page.getByRole('region', { name: 'Recent points' });
  await expect(recent.getByRole('listitem')).toHaveCount(2);
  await expect(recent).toContainText('+5 First message of the day in a chat');
  await expectAxeClean(page, 'achievements');

  // My own profile (Settings) shows the badge.
  await page
    .getByRole('button', { name: /Settings/ })
    .first()
    .click();
  const mine = page.getByRole('region', { name: 'Points and badges' });
  await expect(mine.getByText('First words (bronze)')).toBeAttached();
  await expect(mine).toContainText('Level 1');

  // Ben sees it on Ana's profile (they share a group).
  await startDirectChat(b.page, ana);
  await b.page.getByRole('button', { name: 'Details' }).click();
  const details = b.page.getByRole('complementary', { name: 'Details' });
  const onHerProfile = details.getByRole('region', { name: 'Points and badges' });
  await expect(onHerProfile.getByText('First words (bronze)')).toBeAttached();
  await expectAxeClean(b.page, 'profile with badges');

  // Ana (the owner) turns on the group's leaderboard; Ben sees her on it.
  await openConversation(page, 'Trail club');
  await page.getByRole('button', { name: 'Group info' }).click();
  const board = page.getByRole('region', { name: 'Leaderboard' });
  const enable = board.getByLabel('Show a leaderboard to members');
  await expect(enable).toBeEnabled();
  await enable.click();
  await expect(enable).toBeChecked();
  await expect(board.getByRole('listitem').first()).toContainText(ana.name);
  await expect(board.getByRole('listitem').first()).toContainText('7 points');
  await openConversation(b.page, 'Trail club');
  await b.page.getByRole('button', { name: 'Group info' }).click();
  const benBoard = b.page.getByRole('region', { name: 'Leaderboard' });
  await expect(benBoard.getByLabel('Show a leaderboard to members')).toHaveCount(0);
  await benBoard.getByLabel('All time').check();
  await expect(benBoard.getByRole('listitem').first()).toContainText(ana.name);

  // Ana hides her points: Ben no longer sees them.
  await page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: 'Achievements' }).click();
  await page.getByLabel('Who can see my points and badges').selectOption('nobody');
  await expect(page.getByLabel('Who can see my points and badges')).toHaveValue('nobody');
  await b.page.reload();
  await openConversation(b.page, ana.name);
  await b.page.getByRole('button', { name: 'Details' }).click();
  await expect(
    b.page.getByRole('complementary', { name: 'Details' }).getByRole('heading', { name: ana.name }),
  ).toBeVisible();
  await expect(b.page.getByRole('region', { name: 'Points and badges' })).toHaveCount(0);
});
