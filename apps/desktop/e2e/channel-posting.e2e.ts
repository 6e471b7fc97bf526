import { apiToken, expect, history, newUser, openConversation, registerEach, send, test } from './support.ts';

/**
 * Issue 21 #9 / 22 #3: the composer follows the permission flags the server sends. A channel is open
 * to its members by default; in announcement mode ("Only admins can post") the member's composer is
 * read-only and the server refuses the member's sends too.
 */
test('channel members post by default; announcement mode makes their composer read-only', async ({
  browser,
  request,
}) => {
  const owner = newUser('Olga');
  const member = newUser('Mo');
  const [a, b] = await registerEach(browser, [owner, member]);
  const ownerAuth = { authorization: `Bearer ${await apiToken(request, owner)}` };
  const memberAuth = { authorization: `Bearer ${await apiToken(request, member)}` };
  const title = `Town square ${Date.now().toString(36)}`;
  const created = await request.post('/api/v1/conversations', {
    headers: ownerAuth,
    data: { kind: 'channel', title },
  });
  expect(created.ok()).toBe(true);
  const channelId = ((await created.json()) as { data: { id: string } }).data.id;
  expect((await request.post(`/api/v1/conversations/${channelId}/join`, { headers: memberAuth })).ok()).toBe(true);

  // Open by default: the member writes from the composer.
  await openConversation(b.page, title);
  const box = b.page.getByRole('textbox', { name: 'Message' });
  await expect(box).toBeEnabled();
  await send(b.page, 'Hello from a member');
  await expect(history(b.page).getByText('Hello from a member')).toBeVisible();

  // The owner switches announcement mode on in the channel's panel.
  await openConversation(a.page, title);
  await expect(history(a.page).getByText('Hello from a member')).toBeVisible();
  await a.page.getByRole('button', { name: 'Group info' }).click();
  const panel = a.page.getByRole('complementary', { name: 'Group info' });
  // A controlled switch: it shows the server's state once the PATCH returns, so click and wait for it.
  await panel.getByRole('checkbox', { name: 'Only admins can post' }).click();
  await expect(panel.getByRole('checkbox', { name: 'Only admins can post' })).toBeChecked();

  // The member's composer follows the new flags live, and the server agrees.
  await expect(box).toBeDisabled();
  await expect(box).toHaveAttribute('placeholder', 'Only admins can post here');
  await expect(history(b.page).getByText(/only admins can post/)).toBeVisible();
  const refused = await request.post(`/api/v1/conversations/${channelId}/messages`, {
    headers: memberAuth,
    data: { clientMsgId: `e2e-${Date.now()}`, text: 'sneaking in' },
  });
  expect(refused.status()).toBe(403);
  expect(((await refused.json()) as { code: string }).code).toBe('posting_restricted');

  // The owner still posts.
  await send(a.page, 'Announcement: we are live');
  await expect(history(b.page).getByText('Announcement: we are live')).toBeVisible();

  await a.context.close();
  await b.context.close();
});
