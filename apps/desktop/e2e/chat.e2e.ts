import { anaAndBen, expect, history, openConversation, send, startDirectChat, test } from './support.ts';

test('two users chat live: messages, typing, read ticks, reactions, edit and delete', async ({ browser }) => {
  const { ana, ben, a, b } = await anaAndBen(browser);

  await startDirectChat(a.page, ben);
  await send(a.page, 'Hola Ben <b>not bold</b>');
  await expect(history(a.page).getByText('Hola Ben <b>not bold</b>')).toBeVisible();

  // Ben gets the conversation and the message live, without reloading.
  await openConversation(b.page, ana.name);
  await expect(history(b.page).getByText('Hola Ben <b>not bold</b>')).toBeVisible();
  await expect(b.page.locator('b', { hasText: 'not bold' })).toHaveCount(0);

  // Read ticks: Ben has the chat open, so Ana's message turns "Read".
  await expect(history(a.page).getByRole('img', { name: 'Read' }).first()).toBeVisible();

  // Typing indicator.
  await b.page.getByRole('textbox', { name: 'Message' }).pressSequentially('ty');
  await expect(a.page.getByText('typing…').first()).toBeVisible();
  await b.page.getByRole('textbox', { name: 'Message' }).fill('');
  await send(b.page, 'Hi Ana, see https://example.com/docs');
  await expect(history(a.page).getByRole('link', { name: 'https://example.com/docs' })).toHaveAttribute(
    'rel',
    'noopener noreferrer',
  );

  // React to Ben's message.
  const bensMessage = history(a.page).getByRole('article').filter({ hasText: 'Hi Ana' });
  await bensMessage.hover();
  await bensMessage.getByRole('button', { name: 'Message actions' }).click();
  await a.page.getByRole('button', { name: 'React with 👍' }).click();
  await expect(history(b.page).getByRole('button', { name: '👍: 1' })).toBeVisible();

  // Edit my last message with the Up arrow.
  const box = a.page.getByRole('textbox', { name: 'Message' });
  await box.focus();
  await box.press('ArrowUp');
  await expect(box).toHaveValue('Hola Ben <b>not bold</b>');
  await box.fill('Hola Ben, edited');
  await box.press('Enter');
  await expect(history(b.page).getByText('Hola Ben, edited')).toBeVisible();
  await expect(history(b.page).getByText('edited', { exact: true })).toBeVisible();

  // Ben reports Ana's message to the moderators.
  const anasMessage = history(b.page).getByRole('article').filter({ hasText: 'Hola Ben, edited' });
  await anasMessage.hover();
  await anasMessage.getByRole('button', { name: 'Message actions' }).click();
  await b.page.getByRole('button', { name: 'Report' }).click();
  const report = b.page.getByRole('dialog', { name: 'Report message' });
  await report.getByLabel('Reason').selectOption('harassment');
  await report.getByRole('button', { name: 'Send report' }).click();
  await expect(b.page.getByText('Thanks. The moderators will look at it.')).toBeVisible();

  // Delete for everyone, after an in-app confirmation.
  const mine = history(a.page).getByRole('article').filter({ hasText: 'Hola Ben, edited' });
  await mine.hover();
  await mine.getByRole('button', { name: 'Message actions' }).click();
  await a.page.getByRole('button', { name: 'Delete for everyone' }).click();
  await a.page
    .getByRole('dialog', { name: 'Delete this message for everyone?' })
    .getByRole('button', { name: 'Delete for everyone' })
    .click();
  await expect(history(b.page).getByText('This message was deleted')).toBeVisible();
  await expect(history(b.page).getByText('Hola Ben, edited')).toHaveCount(0);

  await a.context.close();
  await b.context.close();
});
