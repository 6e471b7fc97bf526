import type { APIRequestContext, Locator } from '@playwright/test';
import { makePng } from './png.ts';
import {
  anaAndBen,
  apiToken,
  createGroup,
  expect,
  history,
  newContext,
  newUser,
  openConversation,
  register,
  send,
  startDirectChat,
  test,
} from './support.ts';

async function post(request: APIRequestContext, token: string, conversationId: string, body: object) {
  const res = await request.post(`/api/v1/conversations/${conversationId}/messages`, {
    headers: { authorization: `Bearer ${token}` },
    data: body,
  });
  expect(res.ok()).toBe(true);
}

async function uploadPng(request: APIRequestContext, token: string, w: number, h: number): Promise<string> {
  const res = await request.post('/api/v1/media', {
    headers: { authorization: `Bearer ${token}` },
    multipart: { file: { name: `photo-${w}x${h}.png`, mimeType: 'image/png', buffer: makePng(w, h) } },
  });
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { data: { id: string } }).data.id;
}

/** Pixels between the bottom of the scrolled content and the bottom of the list's viewport. */
const gapBelow = (log: Locator) => log.evaluate((el) => Math.round(el.scrollHeight - el.scrollTop - el.clientHeight));

test('opening a chat with images lands on the newest message, first time and on return', async ({
  browser,
  request,
}) => {
  const ana = newUser('Ana');
  const a = await newContext(browser);
  await a.page.setViewportSize({ width: 1100, height: 700 });
  await register(a.page, ana);
  await createGroup(a.page, 'Other chat', []);
  await createGroup(a.page, 'Photo album', []);
  const album = decodeURIComponent(new URL(a.page.url()).hash.split('/')[2] ?? '');
  const token = await apiToken(request, ana);
  for (let i = 1; i <= 25; i++) {
    const attachments = i % 3 === 0 ? [await uploadPng(request, token, 800, 600 + i * 10)] : [];
    await post(request, token, album, { clientMsgId: `land-${i}`, text: `photo note ${i}`, attachments });
  }
  await post(request, token, album, { clientMsgId: 'land-last', text: 'the newest one' });

  // Pictures and their details arrive one by one after the rows, as on a real network.
  let n = 0;
  await a.page.route(/\/api\/v1\/media\//, async (route) => {
    n += 1;
    await new Promise((r) => setTimeout(r, 40 + ((n * 137) % 400)));
    await route.continue();
  });
  await a.page.reload();
  const log = history(a.page);
  await expect(log.getByText('the newest one')).toBeVisible();
  await expect(log.getByRole('img', { name: /photo-800x840/ })).toHaveJSProperty('complete', true);
  await a.page.waitForTimeout(300);
  expect(await gapBelow(log)).toBeLessThanOrEqual(2);

  // Away and back: still at the very bottom once the images are in.
  await openConversation(a.page, 'Other chat');
  await openConversation(a.page, 'Photo album');
  await expect(log.getByText('the newest one')).toBeVisible();
  await expect(log.getByRole('img', { name: /photo-800x840/ })).toHaveJSProperty('complete', true);
  await a.page.waitForTimeout(300);
  expect(await gapBelow(log)).toBeLessThanOrEqual(2);
  // Everything on screen is already read: no jump pills.
  await expect(a.page.getByRole('button', { name: 'Jump to latest' })).toHaveCount(0);
  await a.context.close();
});

test('a chat opened at the Unread marker follows new messages; jump pills only when useful', async ({
  browser,
  request,
}) => {
  const { ana, ben, a, b } = await anaAndBen(browser, { width: 1100, height: 700 });
  await startDirectChat(b.page, ana);
  for (let i = 1; i <= 3; i++) await send(b.page, `short unread ${i}`);
  await expect(history(b.page).getByText('short unread 3')).toBeVisible();

  // Opened at the marker, everything fits: no pills, and the next message is followed.
  await openConversation(a.page, ben.name);
  const log = history(a.page);
  await expect(log.getByText('Unread messages')).toBeVisible();
  await expect(a.page.getByRole('button', { name: /^Jump to/ })).toHaveCount(0);
  await send(b.page, 'arrives while Ana looks');
  await expect(log.getByText('arrives while Ana looks')).toBeInViewport();
  expect(await gapBelow(log)).toBeLessThanOrEqual(2);

  // Many unread while Ana is elsewhere: she lands on the marker, with a way to the latest.
  await a.page.getByRole('button', { name: 'Settings' }).first().click();
  const direct = decodeURIComponent(new URL(b.page.url()).hash.split('/')[2] ?? '');
  const benToken = await apiToken(request, ben);
  for (let i = 1; i <= 40; i++)
    await post(request, benToken, direct, {
      clientMsgId: `long-${i}`,
      text: `long unread ${i} ${'lorem ipsum '.repeat(4)}`,
    });
  await expect(history(b.page).getByText(/long unread 40/)).toBeVisible();
  await openConversation(a.page, ben.name);
  await expect(log.getByText('Unread messages')).toBeInViewport();
  await expect(log.getByText(/long unread 1 /)).toBeInViewport();
  const latest = a.page.getByRole('button', { name: 'Jump to latest' });
  await expect(latest).toBeVisible();
  // The marker is on screen: no pill to it.
  await expect(a.page.getByRole('button', { name: 'Jump to first unread' })).toHaveCount(0);

  await latest.click();
  await expect(log.getByText(/long unread 40/)).toBeInViewport();
  await expect(a.page.getByRole('button', { name: /^Jump to/ })).toHaveCount(0);
  await send(b.page, 'and one more');
  await expect(log.getByText('and one more')).toBeInViewport();
  expect(await gapBelow(log)).toBeLessThanOrEqual(2);

  // Scrolled up, the pill appears; back at the bottom it goes, so the newest bubble's time and
  // ticks are never under it.
  await log.evaluate((el) => {
    el.scrollTop = el.scrollHeight - el.clientHeight - 400;
  });
  await expect(latest).toBeVisible();
  await log.evaluate((el) => {
    el.scrollTop = el.scrollHeight;
  });
  await expect(a.page.getByRole('button', { name: /^Jump to/ })).toHaveCount(0);
  await expect(log.getByRole('article').last().locator('time')).toBeInViewport();
  await a.context.close();
  await b.context.close();
});
