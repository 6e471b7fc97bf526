import { makePng } from './png.ts';
import {
  expect,
  expectAxeClean,
  history,
  newContext,
  newUser,
  register,
  send,
  startDirectChat,
  test,
} from './support.ts';

test('share a message out of Charla: share links without a share sheet, the sheet (with the picture) with one', async ({
  browser,
}) => {
  const ana = newUser('Ana');
  const ben = newUser('Ben');
  await register((await newContext(browser)).page, ben);
  const { context, page } = await newContext(browser);
  await register(page, ana);
  await startDirectChat(page, ben);
  await send(page, 'Sunset at the beach tonight');
  const message = history(page).getByRole('article').filter({ hasText: 'Sunset at the beach tonight' });
  await expect(message).toBeVisible();

  // No share sheet in this browser: a dialog of share links for the text (no link, so none of the link-only networks).
  expect(await page.evaluate(() => typeof navigator.share)).toBe('undefined');
  await message.hover();
  await message.getByRole('button', { name: 'Message actions' }).click();
  await page.getByRole('button', { name: 'Share…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share message' });
  await expect(dialog.getByRole('button')).toHaveText(['×', 'X (Twitter)', 'WhatsApp', 'Email', 'Copy text']);
  await expectAxeClean(page, 'share message dialog');
  await context.route('https://wa.me/**', (route) => route.fulfill({ status: 200, body: 'wa stand-in' }));
  const popup = context.waitForEvent('page');
  await dialog.getByRole('button', { name: 'WhatsApp' }).click();
  expect(new URL((await popup).url()).searchParams.get('text')).toBe('Sunset at the beach tonight');
  await expect(dialog).toHaveCount(0);

  // A picture: where the browser has a share sheet that takes files, the image goes as a file.
  await page.locator('input[type="file"]').setInputFiles({
    name: 'beach.png',
    mimeType: 'image/png',
    buffer: makePng(40, 30),
  });
  await expect(page.getByRole('list', { name: 'Files to send' }).getByRole('img', { name: 'beach.png' })).toBeVisible();
  await expect(page.getByRole('progressbar')).toHaveCount(0);
  await page.getByRole('button', { name: 'Send' }).click();
  const picture = history(page)
    .getByRole('article')
    .filter({ has: page.getByRole('img', { name: 'beach.png' }) });
  await expect(picture).toBeVisible();
  await page.evaluate(() => {
    const w = window as unknown as { shared: unknown[] };
    w.shared = [];
    Object.assign(navigator, {
      canShare: () => true,
      share: async (data: { text: string; files?: File[] }) => {
        w.shared.push({ text: data.text, files: (data.files ?? []).map((f) => [f.name, f.type, f.size > 0]) });
      },
    });
  });
  await picture.hover();
  await picture.getByRole('button', { name: 'Message actions' }).click();
  await page.getByRole('button', { name: 'Share…' }).click();
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { shared: unknown[] }).shared))
    .toEqual([{ text: '', files: [['beach.png', 'image/png', true]] }]);
  await expect(page.getByRole('dialog', { name: 'Share message' })).toHaveCount(0);

  // A sheet that cannot take files: the dialog offers the picture as a download instead.
  await page.evaluate(() => Object.assign(navigator, { canShare: (d: { files?: File[] }) => !d.files }));
  await picture.getByRole('button', { name: 'Message actions' }).click();
  await page.getByRole('button', { name: 'Share…' }).click();
  const fallback = page.getByRole('dialog', { name: 'Share message' });
  await expect(fallback.getByRole('link', { name: 'Download image' })).toHaveAttribute('download', 'beach.png');
  await fallback.getByRole('button', { name: 'Close' }).click();
  await expect(fallback).toHaveCount(0);
});
