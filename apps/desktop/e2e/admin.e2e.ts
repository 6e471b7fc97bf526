import type { APIRequestContext } from '@playwright/test';
import {
  expect,
  history,
  newContext,
  newUser,
  openConversation,
  signIn,
  signUpOverApi,
  type TestUser,
  test,
} from './support.ts';

/** scripts/e2e-server.mjs starts the server with ADMIN_EMAILS set to this address. */
const ADMIN_EMAIL = process.env.CHARLA_E2E_ADMIN_EMAIL ?? 'admin@charla.test';

type Grant = { accessToken: string; user: { id: string; role: string } };

/** Signs in through the API (desktop client: tokens in the body), or signs up when there is no account yet. */
async function account(request: APIRequestContext, user: TestUser): Promise<Grant> {
  const device = { name: 'e2e', platform: 'linux' };
  const res = await request.post('/api/v1/auth/login', {
    data: { login: user.email, password: user.password, client: 'desktop', device },
  });
  if (res.ok()) return ((await res.json()) as { data: Grant }).data;
  expect(res.status()).toBe(401);
  return signUpOverApi(request, {
    email: user.email,
    username: user.username,
    password: user.password,
    displayName: user.name,
  });
}

test('admin: a reported message reaches the reports queue and gets resolved; statistics render', async ({
  browser,
  request,
}) => {
  const admin: TestUser = {
    name: 'Site Admin',
    username: 'siteadmin',
    email: ADMIN_EMAIL,
    password: 'correct horse battery',
  };
  const adminGrant = await account(request, admin);
  expect(adminGrant.user.role).toBe('admin');

  // Ana writes to Ben (seeded through the API); Ben reports it from the UI.
  const ana = newUser('Ana');
  const ben = newUser('Ben');
  const anaGrant = await account(request, ana);
  const benGrant = await account(request, ben);
  expect(benGrant.user.role).toBe('user');
  const auth = { authorization: `Bearer ${anaGrant.accessToken}` };
  const conv = await request.post('/api/v1/conversations', {
    headers: auth,
    data: { kind: 'direct', userId: benGrant.user.id },
  });
  expect(conv.ok()).toBe(true);
  const conversationId = ((await conv.json()) as { data: { id: string } }).data.id;
  const offending = `Buy cheap followers ${Date.now().toString(36)}`;
  const sent = await request.post(`/api/v1/conversations/${conversationId}/messages`, {
    headers: auth,
    data: { clientMsgId: `admin-e2e-${Date.now()}`, text: offending },
  });
  expect(sent.ok()).toBe(true);

  const b = await newContext(browser);
  await signIn(b.page, ben);
  // Not an admin: no administration entry.
  await expect(b.page.getByRole('button', { name: 'Administration' })).toHaveCount(0);
  await openConversation(b.page, ana.name);
  const message = history(b.page).getByRole('article').filter({ hasText: offending });
  await message.hover();
  await message.getByRole('button', { name: 'Message actions' }).click();
  await b.page.getByRole('button', { name: 'Report' }).click();
  const note = `spam from ${ana.username}`;
  const dialog = b.page.getByRole('dialog', { name: 'Report message' });
  await dialog.getByLabel('Reason').selectOption('spam');
  await dialog.getByLabel('Anything to add? (optional)').fill(note);
  await dialog.getByRole('button', { name: 'Send report' }).click();
  await expect(b.page.getByText('Thanks. The moderators will look at it.')).toBeVisible();

  // The admin signs in, opens Administration and finds the report in the open queue.
  const a = await newContext(browser);
  await signIn(a.page, admin);
  await a.page.getByRole('button', { name: 'Administration' }).click();
  await expect(a.page.getByRole('heading', { level: 1, name: 'Administration' })).toBeVisible();
  await expect(a.page.getByRole('tab', { name: 'Reports' })).toHaveAttribute('aria-selected', 'true');
  const row = a.page.getByRole('listitem').filter({ hasText: note });
  await expect(row).toBeVisible();
  await expect(row).toContainText('Spam');
  await expect(row).toContainText('message');
  await a.page.screenshot({ path: test.info().outputPath('admin-reports.png') });

  // Resolve: it leaves the open queue, and the server agrees.
  await row.getByRole('button', { name: 'Resolve' }).click();
  await expect(a.page.getByRole('listitem').filter({ hasText: note })).toHaveCount(0);
  const open = await request.get('/api/v1/admin/reports?status=open', {
    headers: { authorization: `Bearer ${adminGrant.accessToken}` },
  });
  expect(open.ok()).toBe(true);
  const openText = await open.text();
  expect(openText).not.toContain(note);
  // Not for everyone: Ben's token gets a 403 from the admin API.
  const forbidden = await request.get('/api/v1/admin/reports', {
    headers: { authorization: `Bearer ${benGrant.accessToken}` },
  });
  expect(forbidden.status()).toBe(403);

  // Statistics: totals and the per-day charts render with the seeded activity counted.
  await a.page.getByRole('tab', { name: 'Statistics' }).click();
  await expect(a.page.getByRole('tab', { name: 'Statistics' })).toHaveAttribute('aria-selected', 'true');
  const totals = a.page.locator('dl.totals');
  await expect(totals.getByText('Messages', { exact: true })).toBeVisible();
  const users = Number(
    await totals
      .locator('div', { hasText: /^Users/ })
      .locator('dd')
      .textContent(),
  );
  expect(users).toBeGreaterThanOrEqual(3);
  const messages = Number(
    await totals
      .locator('div', { hasText: /^Messages/ })
      .locator('dd')
      .textContent(),
  );
  expect(messages).toBeGreaterThanOrEqual(1);
  await expect(a.page.getByRole('img', { name: /^Messages per day:/ })).toBeVisible();
  await expect(a.page.getByRole('img', { name: /^Sign-ups per day:/ })).toBeVisible();
  await a.page.screenshot({ path: test.info().outputPath('admin-stats.png') });

  // Users: make Ben an admin, then take it back (the admin's own row has no such actions).
  await a.page.getByRole('tab', { name: 'Users' }).click();
  await a.page.getByRole('searchbox', { name: 'Search users' }).fill(ben.username);
  const benRow = a.page.getByRole('listitem').filter({ hasText: `@${ben.username}` });
  await benRow.getByRole('button', { name: `Make admin: ${ben.name}` }).click();
  await expect(benRow.getByRole('button', { name: `Remove admin: ${ben.name}` })).toBeVisible();
  const benAdmin = await request.get('/api/v1/admin/reports', {
    headers: { authorization: `Bearer ${benGrant.accessToken}` },
  });
  expect(benAdmin.status()).toBe(200);
  await benRow.getByRole('button', { name: `Remove admin: ${ben.name}` }).click();
  await expect(benRow.getByRole('button', { name: `Make admin: ${ben.name}` })).toBeVisible();
  const benAgain = await request.get('/api/v1/admin/reports', {
    headers: { authorization: `Bearer ${benGrant.accessToken}` },
  });
  expect(benAgain.status()).toBe(403);
  await a.page.getByRole('searchbox', { name: 'Search users' }).fill(admin.username);
  await expect(a.page.getByRole('listitem').filter({ hasText: `@${admin.username}` })).toBeVisible();
  await expect(a.page.getByRole('button', { name: new RegExp(`admin: ${admin.name}$`) })).toHaveCount(0);

  await a.context.close();
  await b.context.close();
});
