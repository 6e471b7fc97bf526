import {
  anaAndBen,
  apiToken,
  createGroup,
  expect,
  expectAxeClean,
  history,
  newContext,
  newUser,
  register,
  registerEach,
  send,
  test,
} from './support.ts';

test('sign-up says "At least 8 characters" once; a failed sign-in puts focus back on the password', async ({
  browser,
}) => {
  const ana = newUser('Ana');
  const { context, page } = await newContext(browser);
  await page.goto('/#/register');
  await expect(page.getByText(/At least 8 characters/)).toHaveCount(1);
  await page.getByLabel(/^Password/).fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByText(/At least 8 characters/)).toHaveCount(1);
  await register(page, ana);
  await page
    .getByRole('button', { name: /Settings/ })
    .first()
    .click();
  await page.getByRole('region', { name: 'Account' }).getByRole('button', { name: 'Sign out' }).click();

  await page.getByLabel('Email or username').fill(ana.username);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText('Those details did not match an account.');
  await expect(page.getByLabel('Password')).toBeFocused();
  await context.close();
});

test('new chat, group picker, previews, menus, search, times, delete confirmation, favicon', async ({
  browser,
  request,
}) => {
  const { ana, ben, a, b } = await anaAndBen(browser);
  const { context, page } = a;

  // The New chat dialog starts in its search field, not on its close button.
  await page.getByRole('button', { name: 'New chat' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New chat' });
  await expect(dialog.getByLabel('Search people by name or username')).toBeFocused();
  // Group picker: after a pick, no "Nobody found." for the person just added.
  await dialog.getByRole('tab', { name: 'Group' }).click();
  await dialog.getByLabel('Name').fill('Fresh group');
  await dialog.getByLabel('Add people').fill(ben.username);
  await dialog.getByRole('button', { name: new RegExp(ben.name) }).click();
  await expect(dialog.getByRole('list', { name: 'Members' }).getByText(ben.name)).toBeVisible();
  await expect(dialog.getByText('Nobody found.')).toHaveCount(0);
  await expect(dialog.getByLabel('Add people')).toHaveValue('');
  await dialog.getByRole('button', { name: 'Create' }).click();
  // A new group's preview says what happened, not "You:".
  const row = page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /Fresh group/ });
  await expect(row).toContainText(`${ana.name} created the group`);
  await expect(row).not.toContainText('You:');

  // English times are not zero-padded.
  await send(page, 'What time is it?');
  const time = history(page).getByRole('article').last().locator('time');
  await expect(time).toHaveText(/^[1-9]\d?:\d{2}\s?[AP]M$/);

  // The message menu: arrow keys move through its items.
  const msg = history(page).getByRole('article').last();
  await msg.hover();
  await msg.getByRole('button', { name: 'Message actions' }).click();
  const first = page.getByRole('button', { name: 'React with 👍' });
  await expect(first).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('button', { name: 'React with ❤️' })).toBeFocused();
  await page.keyboard.press('End');
  await expect(page.getByRole('button', { name: 'Delete for everyone' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(first).toBeFocused();
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  // "Delete for everyone" asks in an accessible in-app dialog, Cancel first.
  const confirm = page.getByRole('dialog', { name: 'Delete this message for everyone?' });
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await expectAxeClean(page, 'delete confirmation');
  await confirm.getByRole('button', { name: 'Delete for everyone' }).click();
  await expect(history(page).getByText('This message was deleted')).toBeVisible();

  // One Esc closes search, even with text typed.
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const search = page.getByRole('dialog', { name: 'Search' });
  await search.getByLabel('Search messages, people and chats').fill('something');
  await page.keyboard.press('Escape');
  await expect(search).toHaveCount(0);

  const favicon = await request.get('/favicon.ico');
  expect(favicon.status()).toBe(200);
  expect(favicon.headers()['content-type']).toMatch(/icon/);
  expect(await (await request.get('/')).text()).toContain('<link rel="icon" href="/favicon.ico"');

  await context.close();
  await b.context.close();
});

test('Spanish: distinct wording for signing out a device, filter chips on one row', async ({ browser, request }) => {
  const ana = newUser('Ana');
  const context = await browser.newContext({ locale: 'es-ES' });
  const page = await context.newPage();
  await register(page, ana);
  const chips = page.getByRole('group', { name: 'Filtro' }).getByRole('button');
  await expect(chips).toHaveCount(4);
  const tops = await chips.evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
  expect(new Set(tops).size).toBe(1);

  await apiToken(request, ana); // a second device
  await page
    .getByRole('button', { name: /Ajustes/ })
    .first()
    .click();
  const devices = page.getByRole('region', { name: 'Dispositivos' });
  await expect(devices.getByRole('button', { name: /^Desconectar / }).first()).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cerrar sesión' })).toHaveCount(1);
  await context.close();
});

test('an invite link shows its use count going up as people join', async ({ browser }) => {
  const [ana, cara] = [newUser('Ana'), newUser('Cara')];
  const [a, c] = await registerEach(browser, [ana, cara]);
  await createGroup(a.page, 'Open doors', []);
  await a.page.getByRole('button', { name: 'Group info' }).click();
  const panel = a.page.getByRole('complementary', { name: 'Group info' });
  await panel.getByRole('button', { name: 'Create link' }).click();
  const link = await panel.getByLabel('Invite link').first().inputValue();
  await expect(panel.getByText('0/∞ uses')).toBeVisible();
  await c.page.goto(new URL(link).pathname);
  await c.page.getByRole('button', { name: 'Join' }).click();
  await expect(c.page.getByRole('heading', { level: 2, name: 'Open doors' })).toBeVisible();
  await expect(panel.getByText('1/∞ uses')).toBeVisible();
  await a.context.close();
  await c.context.close();
});
