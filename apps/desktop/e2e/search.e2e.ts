import { apiToken, createGroup, expect, history, newContext, newUser, register, signIn, test } from './support.ts';

test('global search finds an old message and jumps to it in context', async ({ browser, request }) => {
  // One account (sign-ups are rate-limited per IP); her second device does the searching.
  const ana = newUser('Ana');
  const a = await newContext(browser);
  await register(a.page, ana);
  await createGroup(a.page, 'Travel notes', []);
  const conversationId = decodeURIComponent(new URL(a.page.url()).hash.split('/')[2] ?? '');

  // Seed history through the API: one needle, then enough messages that it is outside the first page.
  const token = await apiToken(request, ana);
  const post = (text: string, i: number) =>
    request.post(`/api/v1/conversations/${conversationId}/messages`, {
      headers: { authorization: `Bearer ${token}` },
      data: { clientMsgId: `seed-${i}`, text },
    });
  expect((await post('the zeppelin leaves at dawn', 0)).ok()).toBe(true);
  for (let i = 1; i <= 80; i++) expect((await post(`filler message ${i}`, i)).ok()).toBe(true);

  const b = await newContext(browser);
  await signIn(b.page, ana);
  await b.page.getByRole('button', { name: 'Search' }).click();
  const dialog = b.page.getByRole('dialog', { name: 'Search' });
  await dialog.getByLabel('Search messages, people and chats').fill('zeppelin');
  const hit = dialog.getByRole('button', { name: /zeppelin leaves at dawn/ });
  await expect(hit.locator('mark')).toHaveText(/zeppelin/i);
  await hit.click();

  await expect(b.page.getByRole('heading', { level: 2, name: 'Travel notes' })).toBeVisible();
  const target = history(b.page).getByRole('article').filter({ hasText: 'the zeppelin leaves at dawn' });
  await expect(target).toBeVisible();
  await expect(target).toHaveClass(/highlighted/);

  // "Jump to latest" brings the newest message back.
  await b.page.getByRole('button', { name: 'Jump to latest' }).click();
  await expect(history(b.page).getByText('filler message 80')).toBeVisible();

  await a.context.close();
  await b.context.close();
});
