import type { Page } from '@playwright/test';
import { TINY_PNG as png } from './png.ts';
import { anaAndBen, expect, history, openConversation, send, startDirectChat, test } from './support.ts';

/** Dispatches a paste (kind 'paste') or a drag-and-drop of one PNG onto `selector`, built inside the page. */
async function fileEvent(page: Page, kind: 'paste' | 'drop', selector: string, name: string) {
  await page.evaluate(
    ({ kind, selector, name, bytes }) => {
      const target = document.querySelector(selector);
      if (!target) throw new Error(`no ${selector}`);
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/png' }));
      if (kind === 'paste') {
        target.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
        return;
      }
      for (const type of ['dragenter', 'dragover', 'drop'])
        target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    },
    { kind, selector, name, bytes: [...png] },
  );
}

test('several files are previewed, one removed, and sent with a caption; paste and drop add files; formatting renders', async ({
  browser,
}) => {
  const { ana, ben, a, b } = await anaAndBen(browser);
  await startDirectChat(a.page, ben);
  await openConversation(b.page, ana.name);

  const tray = a.page.getByRole('list', { name: 'Files to send' });
  await a.page.locator('input[type="file"]').setInputFiles([
    { name: 'one.png', mimeType: 'image/png', buffer: png },
    { name: 'two.png', mimeType: 'image/png', buffer: png },
    { name: 'report.txt', mimeType: 'text/plain', buffer: Buffer.from('quarterly numbers') },
  ]);
  await expect(tray.getByRole('listitem')).toHaveCount(3);
  await expect(tray.getByRole('img', { name: 'one.png' })).toBeVisible();
  await a.page.getByRole('button', { name: 'Remove two.png' }).click();
  await expect(tray.getByRole('listitem')).toHaveCount(2);

  // Paste an image into the message box, then drop one onto the chat.
  await fileEvent(a.page, 'paste', 'textarea', 'pasted.png');
  await expect(tray.getByRole('img', { name: 'pasted.png' })).toBeVisible();
  await fileEvent(a.page, 'drop', '.chat-main', 'dropped.png');
  await expect(tray.getByRole('img', { name: 'dropped.png' })).toBeVisible();
  await expect(tray.getByRole('listitem')).toHaveCount(4);
  await expect(a.page.getByRole('textbox', { name: 'Message' })).toHaveAttribute('placeholder', 'Add a caption…');

  await expect(a.page.getByRole('progressbar')).toHaveCount(0);
  await send(a.page, 'Here are the *files* you asked for');
  await expect(tray).toHaveCount(0);

  const message = history(b.page).getByRole('article').filter({ hasText: 'you asked for' });
  await expect(message.getByRole('button', { name: 'Open image one.png' })).toBeVisible();
  await expect(message.getByRole('button', { name: 'Open image pasted.png' })).toBeVisible();
  await expect(message.getByRole('button', { name: 'Open image dropped.png' })).toBeVisible();
  await expect(message.getByRole('link', { name: /report\.txt/ })).toBeVisible();
  await expect(message.getByRole('button', { name: 'Open image two.png' })).toHaveCount(0);
  await expect(message.locator('.text strong')).toHaveText('files');

  await send(b.page, 'Run `npm test` and ~skip~ _nothing_ <b>please</b>');
  const reply = history(a.page).getByRole('article').filter({ hasText: 'npm test' });
  await expect(reply.locator('code')).toHaveText('npm test');
  await expect(reply.locator('s')).toHaveText('skip');
  await expect(reply.locator('em')).toHaveText('nothing');
  await expect(reply.locator('b')).toHaveCount(0);
  await expect(reply).toContainText('<b>please</b>');

  await a.context.close();
  await b.context.close();
});
