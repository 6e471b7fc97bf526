import {
  anaAndBen,
  expect,
  expectAxeClean,
  history,
  openConversation,
  send,
  startDirectChat,
  test,
} from './support.ts';

test('block and unblock from a message and from the chat details; report a person', async ({ browser }) => {
  const { ana, ben, a, b } = await anaAndBen(browser);
  await startDirectChat(b.page, ana);
  await send(b.page, 'Buy cheap watches');
  await openConversation(a.page, ben.name);

  // From the message's menu, after an in-app confirmation.
  const spam = history(a.page).getByRole('article').filter({ hasText: 'Buy cheap watches' });
  await spam.hover();
  await spam.getByRole('button', { name: 'Message actions' }).click();
  await a.page.getByRole('button', { name: `Block ${ben.name}` }).click();
  const confirm = a.page.getByRole('dialog', { name: `Block ${ben.name}?` });
  await expect(confirm).toBeVisible();
  await expectAxeClean(a.page, 'block confirmation');
  await confirm.getByRole('button', { name: 'Block', exact: true }).click();
  await expect(a.page.getByText(`You blocked ${ben.name}.`).first()).toBeVisible();
  await expect(a.page.getByRole('textbox', { name: 'Message' })).toHaveCount(0);
  await expect(a.page.getByText(`You blocked ${ben.name}. Unblock them to send messages.`)).toBeVisible();

  // Ben's next message is refused by the server.
  await send(b.page, 'Still there?');
  await expect(history(b.page).getByText('Not sent', { exact: false })).toBeVisible();

  // From the chat's details: unblock, then report.
  await a.page.getByRole('button', { name: 'Details' }).click();
  const details = a.page.getByRole('complementary');
  await details.getByRole('button', { name: `Unblock ${ben.name}` }).click();
  await expect(a.page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  await expect(details.getByRole('button', { name: `Block ${ben.name}` })).toBeVisible();
  await details.getByRole('button', { name: `Report ${ben.name}` }).click();
  const report = a.page.getByRole('dialog', { name: `Report ${ben.name}` });
  await report.getByLabel('Reason').selectOption('spam');
  await report.getByRole('button', { name: 'Send report' }).click();
  await expect(a.page.getByText('Thanks. The moderators will look at it.')).toBeVisible();

  // Blocking from the details lists Ben in Settings.
  await details.getByRole('button', { name: `Block ${ben.name}` }).click();
  await a.page
    .getByRole('dialog', { name: `Block ${ben.name}?` })
    .getByRole('button', { name: 'Block', exact: true })
    .click();
  await a.page
    .getByRole('button', { name: /Settings/ })
    .first()
    .click();
  await expect(a.page.getByRole('region', { name: 'Blocked people' }).getByText(ben.name)).toBeVisible();

  await a.context.close();
  await b.context.close();
});
