import { TINY_PNG as png } from './png.ts';
import {
  createGroup,
  expect,
  history,
  newContext,
  newUser,
  openConversation,
  register,
  signIn,
  test,
} from './support.ts';

test('an image upload shows progress and arrives as a thumbnail', async ({ browser }) => {
  // Ana and her second device (sign-ups are rate-limited per IP, sign-ins are not).
  const ana = newUser('Ana');
  const a = await newContext(browser);
  const b = await newContext(browser);
  await register(a.page, ana);
  await createGroup(a.page, 'Photos', []);
  await signIn(b.page, ana);
  await openConversation(b.page, 'Photos');

  // Slow the upload down so the progress bar is observable.
  const cdp = await a.context.newCDPSession(a.page);
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 200,
    downloadThroughput: -1,
    uploadThroughput: 64 * 1024,
  });
  await a.page.locator('input[type="file"]').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: png });
  await expect(a.page.getByRole('progressbar', { name: 'Uploading dot.png…' })).toBeVisible();
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  // Files wait in the tray (previewed) until Send.
  await expect(a.page.getByRole('list', { name: 'Files to send' }).getByRole('img', { name: 'dot.png' })).toBeVisible();
  await expect(a.page.getByRole('progressbar')).toHaveCount(0);
  await a.page.getByRole('button', { name: 'Send' }).click();

  await expect(history(b.page).getByRole('button', { name: 'Open image dot.png' })).toBeVisible();
  await expect(history(b.page).getByRole('img', { name: 'dot.png' })).toHaveJSProperty('complete', true);
  await history(b.page).getByRole('button', { name: 'Open image dot.png' }).click();
  await expect(b.page.getByRole('dialog', { name: 'dot.png' })).toBeVisible();

  // Any other file arrives as a file card with its name.
  await a.page
    .locator('input[type="file"]')
    .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
  await expect(a.page.getByRole('button', { name: 'Remove notes.txt' })).toBeVisible();
  await expect(a.page.getByRole('progressbar')).toHaveCount(0);
  await a.page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await expect(history(b.page).getByRole('link', { name: /notes\.txt/ })).toBeVisible();

  // A server without the media endpoint: a clear error instead of a stuck bar.
  await a.page.route('**/api/v1/media', (route) => route.fulfill({ status: 404, body: 'Not Found' }));
  await a.page.locator('input[type="file"]').setInputFiles({ name: 'again.png', mimeType: 'image/png', buffer: png });
  await expect(a.page.getByRole('alert')).toContainText('This server does not accept uploads yet.');
  await expect(a.page.getByRole('progressbar')).toHaveCount(0);

  await a.context.close();
  await b.context.close();
});
