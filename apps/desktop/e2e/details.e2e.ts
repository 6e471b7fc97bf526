import { TINY_PNG as png } from './png.ts';
import {
  apiToken,
  createGroup,
  expect,
  history,
  newContext,
  newUser,
  register,
  send,
  startDirectChat,
  test,
} from './support.ts';

test('details panel: profile, shared media/files/links, and the viewer with zoom, download and previous/next', async ({
  browser,
  request,
}) => {
  const ana = newUser('Ana');
  const ben = newUser('Ben');
  const b = await newContext(browser);
  await register(b.page, ben);
  const token = await apiToken(request, ben);
  await request.patch('/api/v1/users/me', {
    headers: { authorization: `Bearer ${token}` },
    data: { about: 'Climbs on weekends' },
  });
  const { context, page } = await newContext(browser);
  await register(page, ana);
  await startDirectChat(page, ben);

  const files = page.locator('input[type="file"]');
  await files.setInputFiles([
    { name: 'first.png', mimeType: 'image/png', buffer: png },
    { name: 'second.png', mimeType: 'image/png', buffer: png },
  ]);
  await expect(page.getByRole('progressbar')).toHaveCount(0);
  await send(page, 'two photos');
  await expect(history(page).getByRole('button', { name: 'Open image second.png' })).toBeVisible();
  await files.setInputFiles([{ name: 'third.png', mimeType: 'image/png', buffer: png }]);
  await expect(page.getByRole('progressbar')).toHaveCount(0);
  await page.getByRole('button', { name: 'Send' }).click();
  await files.setInputFiles([{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') }]);
  await expect(page.getByRole('progressbar')).toHaveCount(0);
  await page.getByRole('button', { name: 'Send' }).click();
  await send(page, 'The plan: https://example.com/plan');
  await expect(history(page).getByRole('link', { name: 'https://example.com/plan' })).toBeVisible();

  await page.getByRole('button', { name: 'Details' }).click();
  const panel = page.getByRole('complementary', { name: 'Details' });
  await expect(panel.getByRole('heading', { name: ben.name })).toBeVisible();
  await expect(panel.getByText('Climbs on weekends')).toBeVisible();
  const tabs = panel.getByRole('tablist', { name: 'Shared in this chat' });
  await expect(tabs.getByRole('tab', { name: 'Media' })).toHaveAttribute('aria-selected', 'true');
  await expect(panel.getByRole('tabpanel').getByRole('button', { name: /^Open image/ })).toHaveCount(3);
  await tabs.getByRole('tab', { name: 'Media' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(tabs.getByRole('tab', { name: 'Files' })).toBeFocused();
  await expect(panel.getByRole('tabpanel').getByRole('link', { name: /notes\.txt/ })).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await expect(panel.getByRole('tabpanel').getByRole('link', { name: /example\.com\/plan/ })).toBeVisible();

  // The viewer: opened from the chat, it steps through the conversation's media.
  await history(page).getByRole('button', { name: 'Open image second.png' }).click();
  const viewer = page.getByRole('dialog', { name: /second\.png/ });
  await expect(viewer).toContainText('2 of 3');
  await expect(viewer.getByRole('img', { name: 'second.png' })).toBeVisible();
  await viewer.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByRole('dialog', { name: /third\.png/ })).toContainText('3 of 3');
  await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  const first = page.getByRole('dialog', { name: /first\.png/ });
  await expect(first).toContainText('1 of 3');
  await first.getByRole('button', { name: 'Zoom in' }).click();
  await expect(first.getByRole('status')).toHaveText('150%');
  await page.keyboard.press('+');
  await expect(first.getByRole('status')).toHaveText('200%');
  await page.keyboard.press('0');
  await expect(first.getByRole('status')).toHaveText('100%');
  await expect(first.getByRole('link', { name: 'Download' })).toHaveAttribute('download', 'first.png');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // Group members: one row each, actions behind a menu.
  await createGroup(page, 'Crew', [ben]);
  await page.getByRole('button', { name: 'Group info' }).click();
  const info = page.getByRole('complementary', { name: 'Group info' });
  const row = info.getByRole('listitem').filter({ hasText: ben.name });
  const box = await row.boundingBox();
  expect(box?.height ?? 99).toBeLessThan(48);
  await row.getByRole('button', { name: `Actions for ${ben.name}` }).click();
  await page.getByRole('menuitem', { name: 'Make admin' }).click();
  await expect(row.getByText('admin')).toBeVisible();

  await context.close();
  await b.context.close();
});
