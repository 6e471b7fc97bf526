import { anaAndBen, createGroup, expect, history, openConversation, send, startDirectChat, test } from './support.ts';

test('mentions, replies, drafts, forwarding and the channel directory', async ({ browser }) => {
  const { ana, ben, a, b } = await anaAndBen(browser);
  await startDirectChat(a.page, ben);
  await send(a.page, 'direct hello');
  await createGroup(a.page, 'Team', [ben]);

  // @mention autocomplete: type "@" and part of the name, pick with Enter.
  const box = a.page.getByRole('textbox', { name: 'Message' });
  await box.pressSequentially(`hey @${ben.username.slice(0, 3)}`);
  const suggestions = a.page.getByRole('list', { name: 'Mention someone' });
  await expect(suggestions.getByRole('button', { name: new RegExp(ben.name) })).toBeVisible();
  await box.press('Enter');
  await expect(box).toHaveValue(`hey @${ben.username} `);
  await box.press('Enter');
  await expect(history(a.page).getByText(`hey @${ben.username}`)).toBeVisible();
  // Ben's list shows the mention badge.
  await expect(b.page.getByRole('navigation', { name: 'Conversations' }).getByText(/1 mentions/)).toBeAttached();

  // Reply: the quote shows in the composer and in the sent message.
  await openConversation(b.page, 'Team');
  const msg = history(b.page).getByRole('article').filter({ hasText: 'hey @' });
  await msg.hover();
  await msg.getByRole('button', { name: 'Message actions' }).click();
  await b.page.getByRole('button', { name: 'Reply', exact: true }).click();
  await expect(b.page.getByText('Replying to')).toBeVisible();
  await send(b.page, 'on it');
  const reply = history(a.page).getByRole('article').filter({ hasText: 'on it' });
  await expect(reply.getByRole('button', { name: new RegExp(`Reply to ${ana.name}`) })).toBeVisible();

  // Drafts are kept per conversation.
  await b.page.getByRole('textbox', { name: 'Message' }).fill('half-written thought');
  await openConversation(b.page, ana.name);
  await expect(b.page.getByRole('textbox', { name: 'Message' })).toHaveValue('');
  await openConversation(b.page, 'Team');
  await expect(b.page.getByRole('textbox', { name: 'Message' })).toHaveValue('half-written thought');

  // Forward Ben's reply into the direct chat.
  await reply.hover();
  await reply.getByRole('button', { name: 'Message actions' }).click();
  await a.page.getByRole('button', { name: 'Forward' }).click();
  const fwd = a.page.getByRole('dialog', { name: 'Forward message' });
  await fwd.getByLabel(ben.name).check();
  await fwd.getByRole('button', { name: 'Forward' }).click();
  await openConversation(a.page, ben.name);
  await expect(history(a.page).getByRole('article').filter({ hasText: 'on it' }).getByText('Forwarded')).toBeVisible();

  // Channels: Ana creates an announcement channel; Ben finds it in the directory, joins, and may read
  // but not post (channels are open to members unless created or switched to "Only admins can post").
  await a.page.getByRole('button', { name: 'New chat' }).first().click();
  const dialog = a.page.getByRole('dialog', { name: 'New chat' });
  await dialog.getByRole('tab', { name: 'Channel', exact: true }).click();
  await dialog.getByLabel('Name').fill('Announcements');
  await dialog.getByLabel('Only admins can post').check();
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(a.page.getByRole('heading', { level: 2, name: 'Announcements' })).toBeVisible();
  await send(a.page, 'Office closed on Friday');

  await b.page.getByRole('button', { name: 'New chat' }).first().click();
  const dir = b.page.getByRole('dialog', { name: 'New chat' });
  await dir.getByRole('tab', { name: 'Browse channels' }).click();
  await dir.getByLabel('Search public channels').fill('Announce');
  await dir.getByRole('listitem').filter({ hasText: 'Announcements' }).getByRole('button', { name: 'Join' }).click();
  await expect(b.page.getByRole('heading', { level: 2, name: 'Announcements' })).toBeVisible();
  await expect(history(b.page).getByText('Office closed on Friday')).toBeVisible();
  await expect(b.page.getByRole('textbox', { name: 'Message' })).toBeDisabled();

  await a.context.close();
  await b.context.close();
});
