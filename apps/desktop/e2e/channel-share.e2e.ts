import { apiToken, expect, expectAxeClean, newContext, newUser, openConversation, register, test } from './support.ts';

test('share a public channel link: it opens the channel in Charla and unfurls with the channel card', async ({
  browser,
  request,
}) => {
  const owner = newUser('Olga');
  const { page } = await newContext(browser);
  await register(page, owner);
  const auth = { authorization: `Bearer ${await apiToken(request, owner)}` };
  const title = `Birdwatchers ${Date.now().toString(36)}`;
  const created = await request.post('/api/v1/conversations', {
    headers: auth,
    data: { kind: 'channel', title, description: 'Spotting birds in the city' },
  });
  expect(created.ok()).toBe(true);
  const channelId = ((await created.json()) as { data: { id: string } }).data.id;

  await openConversation(page, title);
  await page.getByRole('button', { name: 'Group info' }).click();
  const panel = page.getByRole('complementary', { name: 'Group info' });
  await page.evaluate(() => {
    const w = window as unknown as { shared: unknown[] };
    w.shared = [];
    Object.assign(navigator, { share: async (data: unknown) => void w.shared.push(data) });
  });
  await panel.getByRole('button', { name: 'Share channel link' }).click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { shared: unknown[] }).shared)).toHaveLength(1);
  const [shared] = (await page.evaluate(() => (window as unknown as { shared: unknown[] }).shared)) as {
    url: string;
    text: string;
  }[];
  expect(shared?.text).toBe(`Follow “${title}” on Charla`);
  expect(shared?.url).toMatch(new RegExp(`/channel/${channelId}$`));
  await expectAxeClean(page, 'channel info with its share button');

  // Posted on a social network, the link unfurls with the channel's card.
  const url = new URL(shared?.url ?? '');
  const html = await (await request.get(url.pathname, { headers: { 'User-Agent': 'Twitterbot/1.0' } })).text();
  expect(html).toContain(`<meta property="og:title" content="“${title}”, a channel on Charla">`);
  expect(html).toContain('<meta property="og:description" content="1 member · Spotting birds in the city">');

  // Opened in a browser, the link shows the channel.
  const reader = await newContext(browser);
  await register(reader.page, newUser('Rita'));
  await reader.page.goto(url.pathname);
  const landing = reader.page.getByRole('region', { name: title });
  await expect(landing.getByText('Spotting birds in the city')).toBeVisible();
  await expectAxeClean(reader.page, 'public channel landing');
  await landing.getByRole('button', { name: 'Join channel' }).click();
  await expect(reader.page.getByRole('heading', { level: 2, name: title })).toBeVisible();
  await expect(reader.page.getByRole('textbox', { name: 'Message' })).toBeEnabled();
});
