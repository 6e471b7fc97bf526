import { anaAndBen, expect, history, openConversation, send, startDirectChat, test } from './support.ts';

test('the full emoji picker loads on demand: search, skin tone, recent emoji, and reactions', async ({ browser }) => {
  const { ana, ben, a, b } = await anaAndBen(browser);
  const { context, page } = a;
  await startDirectChat(page, ben);

  // The emoji data is not part of the first load: it arrives when the picker opens.
  const dataChunks: string[] = [];
  page.on('request', (r) => /\/assets\/(data|emoji-picker)-/.test(r.url()) && dataChunks.push(r.url()));
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('Hola ');
  await page.getByRole('button', { name: 'Emoji', exact: true }).click();
  const search = page.getByRole('searchbox', { name: 'Search emoji' });
  await expect(search).toBeFocused();
  await expect(page.getByRole('grid', { name: 'Emoji' }).getByRole('gridcell').first()).toBeVisible();
  expect(dataChunks.length).toBeGreaterThanOrEqual(2);

  await search.fill('waving hand');
  await page.getByRole('button', { name: /^Skin tone/ }).click();
  await expect(page.getByRole('button', { name: /^Skin tone/ })).toHaveText('✋🏻');
  await page.getByRole('button', { name: /^Skin tone/ }).click();
  await expect(page.getByRole('button', { name: /^Skin tone/ })).toHaveText('✋🏼');
  await page.getByRole('gridcell', { name: 'Waving hand' }).first().click();
  await expect(box).toHaveValue('Hola 👋🏼');
  await box.press('Enter');
  await expect(history(page).getByText('Hola 👋🏼')).toBeVisible();

  // Recently used comes first next time; Esc closes the picker and returns to the message box.
  await page.getByRole('button', { name: 'Emoji', exact: true }).click();
  await expect(page.getByRole('group', { name: 'Recently used' }).getByRole('button', { name: '👋🏼' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('searchbox', { name: 'Search emoji' })).toHaveCount(0);
  await expect(box).toBeFocused();

  // Reactions use the same picker, searching in the user's language.
  await send(page, 'react to this');
  const message = history(page).getByRole('article').filter({ hasText: 'react to this' });
  await message.hover();
  await message.getByRole('button', { name: 'Message actions' }).click();
  await page.getByRole('button', { name: 'More reactions' }).click();
  await page.getByRole('searchbox', { name: 'Search emoji' }).fill('rocket');
  await page.getByRole('gridcell', { name: 'Rocket' }).click();
  await expect(message.getByRole('button', { name: '🚀: 1' })).toBeVisible();
  await openConversation(b.page, ana.name);
  await expect(history(b.page).getByRole('button', { name: '🚀: 1' })).toBeVisible();

  await context.close();
  await b.context.close();
});
