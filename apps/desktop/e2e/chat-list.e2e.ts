import { TINY_PNG as png } from './png.ts';
import { anaAndBen, createGroup, expect, openConversation, send, startDirectChat, test } from './support.ts';

test('chat list: sender and media previews, who is typing, and a keyboard-friendly menu to pin, mute, mark unread, archive and delete', async ({
  browser,
}) => {
  const { ben, a, b } = await anaAndBen(browser);
  const { context, page } = a;
  await startDirectChat(page, ben);
  await send(page, 'hi Ben');
  await createGroup(page, 'Climbing', [ben]);
  await send(page, 'Saturday?');

  const list = page.getByRole('navigation', { name: 'Conversations' });
  const groupRow = list.locator('.conversation-row', { hasText: 'Climbing' });
  await expect(groupRow).toContainText('You: Saturday?');

  // Ben posts a photo in the group: "Ben: 📷 Photo" (first name), then types.
  await openConversation(b.page, 'Climbing');
  await b.page.locator('input[type="file"]').setInputFiles({ name: 'wall.png', mimeType: 'image/png', buffer: png });
  await expect(b.page.getByRole('progressbar')).toHaveCount(0);
  await b.page.getByRole('button', { name: 'Send' }).click();
  await expect(groupRow).toContainText('Ben: 📷 Photo');
  await page.getByRole('button', { name: 'New chat' }).first().focus();
  await b.page.getByRole('textbox', { name: 'Message' }).pressSequentially('on my way');
  await expect(groupRow).toContainText('Ben is typing…');

  // Shift+F10 (or a right click) opens the menu; arrow keys move through it; Pin.
  await groupRow.focus();
  await page.keyboard.press('Shift+F10');
  const menu = page.getByRole('menu', { name: 'Chat options for Climbing' });
  await expect(menu.getByRole('menuitem', { name: 'Pin chat' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: 'Mute notifications' })).toBeFocused();
  await page.keyboard.press('End');
  await expect(menu.getByRole('menuitem', { name: 'Leave group' })).toBeFocused();
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');
  await expect(menu).toHaveCount(0);
  await expect(list.getByRole('img', { name: 'Pinned' })).toHaveCount(1);

  // The hover button (a pointer shortcut; Shift+F10 is the keyboard's): mute, then mark the direct chat unread (a dot, and the Unread filter shows it).
  await groupRow.hover();
  await list.locator('.conversation-item', { hasText: 'Climbing' }).locator('.row-options').click();
  await menu.getByRole('menuitem', { name: 'Mute notifications' }).click();
  await expect(groupRow.getByRole('img', { name: 'Muted' })).toBeVisible();

  const directRow = list.locator('.conversation-row', { hasText: ben.name });
  await directRow.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Mark as unread' }).click();
  await expect(directRow.getByText('Marked as unread')).toBeAttached();
  await list.getByRole('button', { name: 'Unread', exact: true }).click();
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await list.getByRole('button', { name: 'All', exact: true }).click();
  // Opening it clears the mark.
  await directRow.click();
  await expect(directRow.getByText('Marked as unread')).toHaveCount(0);

  // Archive moves the group to Archived.
  await groupRow.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Archive chat' }).click();
  await expect(groupRow).toHaveCount(0);
  await list.getByRole('button', { name: 'Archived', exact: true }).click();
  await expect(groupRow).toBeVisible();
  await list.getByRole('button', { name: 'All', exact: true }).click();

  // Delete the direct chat, after a confirmation that is not the browser's.
  await directRow.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Delete chat' }).click();
  const confirm = page.getByRole('dialog', { name: `Delete the chat with ${ben.name}?` });
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await confirm.getByRole('button', { name: 'Delete chat' }).click();
  await expect(directRow).toHaveCount(0);

  await context.close();
  await b.context.close();
});
