import { anaAndBen, expect, expectAxeClean, send, startDirectChat, test } from './support.ts';

test('a narrow window has a way back from a chat to the list', async ({ browser }) => {
  const { ben, a, b } = await anaAndBen(browser, { width: 400, height: 760 });
  const { context, page } = a;
  await startDirectChat(page, ben);
  await send(page, 'Hola desde el móvil');

  const list = page.getByRole('navigation', { name: 'Conversations' });
  const back = page.getByRole('button', { name: 'Back to chats' });
  await expect(list).toBeHidden();
  await expect(back).toBeVisible();
  await expectAxeClean(page, 'chat at 400 px');
  await back.click();
  await expect(list).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: ben.name })).toBeHidden();
  // Focus lands on the chat just left, so the keyboard continues from there.
  await expect(list.getByRole('button', { name: new RegExp(ben.name) })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: ben.name })).toBeVisible();

  // Wide windows show both panes: no back button.
  await page.setViewportSize({ width: 1280, height: 800 });
  await expect(back).toBeHidden();
  await expect(list).toBeVisible();
  await context.close();
  await b.context.close();
});
