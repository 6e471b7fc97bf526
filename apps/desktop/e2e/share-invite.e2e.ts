import { createGroup, expect, expectAxeClean, newContext, newUser, register, test } from './support.ts';

test('share an invite link: share menu where there is no share sheet, the sheet where there is; the link unfurls', async ({
  browser,
  request,
}) => {
  const ana = newUser('Ana');
  const ben = newUser('Ben');
  await register((await newContext(browser)).page, ben);
  const { context, page } = await newContext(browser);
  await register(page, ana);
  await createGroup(page, 'Book club', [ben]);
  await page.getByRole('button', { name: 'Group info' }).click();
  const panel = page.getByRole('complementary', { name: 'Group info' });
  await panel.getByRole('button', { name: 'Create link' }).click();
  const link = await panel.getByRole('textbox', { name: 'Invite link' }).inputValue();
  expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]+$/);

  // This browser has no system share sheet: a menu of share links.
  expect(await page.evaluate(() => typeof navigator.share)).toBe('undefined');
  await panel.getByRole('button', { name: 'Share invite link' }).click();
  const menu = page.getByRole('menu', { name: 'Share invite link' });
  await expect(menu.getByRole('menuitem')).toHaveText([
    'X (Twitter)',
    'Facebook',
    'WhatsApp',
    'Telegram',
    'LinkedIn',
    'Email',
    'Copy link',
  ]);
  await expect(menu.getByRole('menuitem').first()).toBeFocused();
  await expectAxeClean(page, 'share menu');
  // Keyboard: down to WhatsApp, Enter opens its share page outside Charla with the link in the text.
  await context.route('https://wa.me/**', (route) => route.fulfill({ status: 200, body: 'wa stand-in' }));
  const popup = context.waitForEvent('page');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const wa = new URL((await popup).url());
  expect(wa.origin).toBe('https://wa.me');
  expect(wa.searchParams.get('text')).toBe(`Join “Book club” on Charla ${link}`);
  await expect(menu).toHaveCount(0);
  await expect(panel.getByRole('button', { name: 'Share invite link' })).toBeFocused();

  // Where the browser has a share sheet, that is used instead (and cancelling it is no error).
  await page.evaluate(() => {
    const w = window as unknown as { shared: unknown[] };
    w.shared = [];
    Object.assign(navigator, {
      share: async (data: unknown) => {
        w.shared.push(data);
      },
    });
  });
  await panel.getByRole('button', { name: 'Share invite link' }).click();
  await expect(menu).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { shared: unknown[] }).shared)).toEqual([
    { text: 'Join “Book club” on Charla', url: link, title: 'Book club' },
  ]);

  // Posted on a social network, the link unfurls: name and member count only (a private group).
  const html = await (
    await request.get(new URL(link).pathname, { headers: { 'User-Agent': 'Twitterbot/1.0' } })
  ).text();
  expect(html).toContain('<meta property="og:title" content="Join the group “Book club” on Charla">');
  expect(html).toContain('<meta property="og:description" content="2 members">');
  expect(html).toContain('<meta name="twitter:card" content="summary">');
});
