import {
  apiToken,
  createGroup,
  expect,
  history,
  newUser,
  openConversation,
  registerEach,
  send,
  test,
} from './support.ts';

test('message info in a group: read and delivered per recipient with times, newcomers left out', async ({
  browser,
  request,
}) => {
  const [ana, ben, cy] = [newUser('Ana'), newUser('Ben'), newUser('Cy')];
  const [a, b, c] = await registerEach(browser, [ana, ben, cy]);

  await createGroup(a.page, 'Info group', [ben]);
  await send(a.page, 'Did everyone see this?');
  await openConversation(b.page, 'Info group');
  await expect(history(b.page).getByText('Did everyone see this?')).toBeVisible();

  // Cy joins afterwards and opens the group: she never received the message.
  const groupId = decodeURIComponent(new URL(a.page.url()).hash.split('/')[2] ?? '');
  const token = await apiToken(request, ana);
  const found = await request.get(`/api/v1/users?q=${cy.username}`, { headers: { authorization: `Bearer ${token}` } });
  const cyUserId = ((await found.json()) as { data: { items: { id: string }[] } }).data.items[0]?.id;
  const added = await request.post(`/api/v1/conversations/${groupId}/participants`, {
    headers: { authorization: `Bearer ${token}` },
    data: { userIds: [cyUserId] },
  });
  expect(added.ok()).toBe(true);
  await openConversation(c.page, 'Info group');

  const mine = history(a.page).getByRole('article').filter({ hasText: 'Did everyone see this?' });
  await mine.hover();
  await mine.getByRole('button', { name: 'Message actions' }).click();
  await a.page.getByRole('button', { name: 'Message info' }).click();
  const info = a.page.getByRole('dialog', { name: 'Message info' });
  const readBy = info.getByRole('region', { name: 'Read by' });
  await expect(readBy.getByRole('listitem')).toHaveCount(1);
  await expect(readBy.getByRole('listitem')).toContainText(ben.name);
  await expect(readBy.locator('time')).toHaveText(/^\d{1,2}:\d{2}\s?[AP]M$/);
  await expect(info).not.toContainText(cy.name);
  // "Sent" shows when, not a dash.
  await expect(info.locator('dd time')).toHaveText(/^\d{1,2}:\d{2}\s?[AP]M$/);

  await a.context.close();
  await b.context.close();
  await c.context.close();
});
