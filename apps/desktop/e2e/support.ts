import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import {
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  test as base,
  type ConsoleMessage,
  expect,
  type Page,
} from '@playwright/test';

/**
 * What a page says on its console that fails the test: every error (React reports its warnings
 * with console.error in development, react-query its misuse), every warning, and every uncaught
 * exception. The browser's own network lines are not the app's: tests provoke HTTP errors on
 * purpose (wrong passwords, revoked sessions, bad links) and take the network away (offline).
 */
const BROWSER_NETWORK_LINES = [
  /^Failed to load resource: the server responded with a status of \d{3}/,
  /^WebSocket connection to '[^']*' failed: /,
];

async function consoleProblem(m: ConsoleMessage): Promise<string | null> {
  if (m.type() !== 'error' && m.type() !== 'warning') return null;
  let text = m.text();
  if (BROWSER_NETWORK_LINES.some((line) => line.test(text))) return null;
  // React formats its warnings printf-style: fill in the %s so the report names the key or component.
  if (text.includes('%s')) {
    const args = await Promise.all(m.args().map((a) => a.jsonValue().catch(() => '?')));
    let i = 1;
    text = text.replace(/%s/g, () => String(args[i++] ?? '%s')).slice(0, 1000);
  }
  const at = m.location();
  return `[console.${m.type()}] ${text.slice(0, 1000)}${at.url ? ` (${at.url}:${at.lineNumber})` : ''}`;
}

const watched = new WeakSet<BrowserContext>();
let problems: Promise<string | null>[] = [];

function watchContext(context: BrowserContext): void {
  if (watched.has(context)) return;
  watched.add(context);
  const watchPage = (page: Page) => {
    page.on('console', (m) => {
      problems.push(consoleProblem(m).catch(() => `[console.${m.type()}] ${m.text()}`));
      if (process.env.CHARLA_E2E_CONSOLE && m.type() !== 'log')
        process.stderr.write(`[console.${m.type()}] ${m.text()}\n`);
    });
    page.on('pageerror', (e) => problems.push(Promise.resolve(`[pageerror] ${e.message}`)));
  };
  for (const page of context.pages()) watchPage(page);
  context.on('page', watchPage);
}

/**
 * Every spec imports `test` (and `expect`) from here: it fails a test whose pages logged a console
 * error or warning or threw, in every browser context of the test (the `page` fixture's and those
 * from newContext()). Biome refuses `test` from '@playwright/test' in specs.
 */
export const test = base.extend<{ consoleGuard: undefined }>({
  context: async ({ context }, use) => {
    watchContext(context);
    await use(context);
  },
  consoleGuard: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads fixture dependencies from this pattern.
    async ({}, use, testInfo) => {
      problems = [];
      await use(undefined);
      const pending = problems;
      problems = [];
      const seen = (await Promise.all(pending)).filter((p): p is string => p !== null);
      // A test that already failed reports its own error; the console lines are attached to it.
      if (seen.length && testInfo.status !== testInfo.expectedStatus)
        await testInfo.attach('console', { body: seen.join('\n'), contentType: 'text/plain' });
      else expect(seen, 'console errors, warnings or uncaught exceptions in the page').toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

/** The e2e server's mail outbox (scripts/e2e-server.mjs: one data dir per CHARLA_E2E_PORT). */
const OUTBOX = path.join(os.tmpdir(), `charla-e2e-${process.env.CHARLA_E2E_PORT ?? '4100'}`, 'outbox');

/** A header of the newest outbox mail to `email` that has it (X-Charla-Code, X-Charla-Link). */
async function mailHeader(email: string, name: string, timeoutMs = 10_000): Promise<string> {
  const to = `To: ${email.toLowerCase()}`;
  const prefix = `${name}: `;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const files = fs.existsSync(OUTBOX) ? fs.readdirSync(OUTBOX).sort().reverse() : [];
    for (const file of files) {
      const lines = fs.readFileSync(path.join(OUTBOX, file), 'utf8').split(/\r?\n/);
      const value = lines.find((l) => l.startsWith(prefix))?.slice(prefix.length);
      if (value && lines.includes(to)) return value.trim();
    }
    if (Date.now() > deadline) throw new Error(`no mail with ${name} to ${email} in ${OUTBOX}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The newest sign-up code mailed to `email`. */
export const mailedCode = (email: string) => mailHeader(email, 'X-Charla-Code');
/** The newest action link mailed to `email` (sign-up, verification, reset). */
export const mailedLink = (email: string) => mailHeader(email, 'X-Charla-Link');

export type ApiGrant = { accessToken: string; refreshToken?: string; user: { id: string; role: string } };

/**
 * Signs up over REST as the desktop client: 202, the mailed code, then the auth result (tokens in
 * the body). `server` is the server URL (Playwright's baseURL) or a request context aimed at it.
 */
export async function signUpOverApi(
  server: string | APIRequestContext,
  user: { email: string; password: string; displayName: string; username?: string },
): Promise<ApiGrant> {
  const post = async (p: string, body: unknown) => {
    if (typeof server !== 'string') {
      const res = await server.post(`/api/v1${p}`, { data: body });
      return { status: res.status(), text: () => res.text(), json: () => res.json() as Promise<unknown> };
    }
    return fetch(`${server}/api/v1${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  };
  const device = { name: 'e2e', platform: 'linux' };
  const started = await post('/auth/register', { ...user, client: 'desktop', device });
  if (started.status !== 202) throw new Error(`sign-up failed: ${started.status} ${await started.text()}`);
  const code = await mailedCode(user.email);
  const done = await post('/auth/register/verify', {
    email: user.email,
    code,
    password: user.password,
    client: 'desktop',
    device,
  });
  if (done.status !== 201) throw new Error(`sign-up failed: ${done.status} ${await done.text()}`);
  return ((await done.json()) as { data: ApiGrant }).data;
}

export type TestUser = { name: string; username: string; email: string; password: string };

/** Signs `user` up over REST (signUpOverApi) with the test user's own fields. */
export const signUpUser = (request: APIRequestContext, user: TestUser): Promise<ApiGrant> =>
  signUpOverApi(request, {
    email: user.email,
    username: user.username,
    password: user.password,
    displayName: user.name,
  });

/** The site admin: scripts/e2e-server.mjs starts the server with ADMIN_EMAILS set to this address. */
export const SITE_ADMIN: TestUser = {
  name: 'Site Admin',
  username: 'siteadmin',
  email: process.env.CHARLA_E2E_ADMIN_EMAIL ?? 'admin@charla.test',
  password: 'correct horse battery',
};

/** Signs in through the API (desktop client: tokens in the body), or signs up when there is no account yet. */
export async function apiAccount(request: APIRequestContext, user: TestUser): Promise<ApiGrant> {
  const device = { name: 'e2e', platform: 'linux' };
  const res = await request.post('/api/v1/auth/login', {
    data: { login: user.email, password: user.password, client: 'desktop', device },
  });
  if (res.ok()) return ((await res.json()) as { data: ApiGrant }).data;
  expect(res.status()).toBe(401);
  return signUpUser(request, user);
}

let counter = 0;
export function newUser(label: string): TestUser {
  counter += 1;
  const id = `${label}${Date.now().toString(36)}${counter}`.toLowerCase().replace(/[^a-z0-9]/g, '');
  return {
    name: `${label} ${counter}`,
    username: id.slice(0, 32),
    email: `${id}@example.test`,
    password: 'correct horse battery',
  };
}

/** Registers through the UI (the form, then the code from the mail) and waits for the chat shell. */
export async function register(page: Page, user: TestUser): Promise<void> {
  await page.goto('/#/register');
  await page.getByLabel(/^Your name|^Tu nombre/).fill(user.name);
  await page.getByLabel(/^Email|^Correo electrónico/).fill(user.email);
  await page.getByLabel(/^Username|^Nombre de usuario/).fill(user.username);
  await page.getByLabel(/^Password|^Contraseña/).fill(user.password);
  await page.getByRole('button', { name: /Create account|Crear cuenta/ }).click();
  await expect(page.getByRole('heading', { name: /Check your email|Revisa tu correo/ })).toBeVisible();
  await page.getByLabel(/Code from the email|Código del correo/).fill(await mailedCode(user.email));
  await page.getByRole('button', { name: /Finish signing up|Terminar el registro/ }).click();
  await expect(page.getByRole('navigation', { name: /Conversations|Conversaciones/ })).toBeVisible();
}

/** A browser context of one user (a device) and its page. */
export type Device = { context: BrowserContext; page: Page };

export async function newContext(browser: Browser): Promise<Device> {
  const context = await browser.newContext({ locale: 'en-US' });
  watchContext(context);
  const page = await context.newPage();
  return { context, page };
}

/** Signs each user up through the UI, each in a new browser context of their own; their devices in that order. */
export async function registerEach<const T extends readonly TestUser[]>(
  browser: Browser,
  users: T,
): Promise<{ -readonly [K in keyof T]: Device }> {
  const devices: Device[] = [];
  for (const user of users) {
    const device = await newContext(browser);
    await register(device.page, user);
    devices.push(device);
  }
  return devices as { -readonly [K in keyof T]: Device };
}

/**
 * Ana and Ben, new users signed up through the UI on devices `a` and `b` of their own (Ben first,
 * so Ana's "New chat" finds him). `viewport` sizes Ana's window before she signs up.
 */
export async function anaAndBen(
  browser: Browser,
  viewport?: { width: number; height: number },
): Promise<{ ana: TestUser; ben: TestUser; a: Device; b: Device }> {
  const ana = newUser('Ana');
  const ben = newUser('Ben');
  const b = await newContext(browser);
  await register(b.page, ben);
  const a = await newContext(browser);
  if (viewport) await a.page.setViewportSize(viewport);
  await register(a.page, ana);
  return { ana, ben, a, b };
}

/** Opens (or creates) the direct chat with `other` from the "New chat" dialog (end-to-end encrypted if asked). */
export async function startDirectChat(page: Page, other: TestUser, opts: { encrypted?: boolean } = {}): Promise<void> {
  await page.getByRole('button', { name: 'New chat' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New chat' });
  if (opts.encrypted) await dialog.getByRole('checkbox', { name: 'End-to-end encrypted' }).check();
  await dialog.getByLabel('Search people by name or username').fill(other.username);
  await dialog.getByRole('button', { name: new RegExp(other.name) }).click();
  await expect(page.getByRole('heading', { level: 2, name: other.name })).toBeVisible();
}

export async function openConversation(page: Page, name: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Conversations' })
    .getByRole('button', { name: new RegExp(name) })
    .click();
  await expect(page.getByRole('heading', { level: 2, name })).toBeVisible();
}

export async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

/** Sends in the open encrypted chat once this device is in its group, and waits for it on screen. */
export async function sendEncrypted(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Encrypted message' });
  await expect(box).toBeEnabled({ timeout: 30_000 });
  await box.fill(text);
  await box.press('Enter');
  await expect(history(page).getByText(text)).toBeVisible({ timeout: 20_000 });
}

export function history(page: Page) {
  return page.getByRole('log', { name: 'Message history' });
}

/** Creates a group from the "New chat" dialog with the given members. */
export async function createGroup(page: Page, title: string, members: TestUser[], historyForNewcomers = false) {
  await page.getByRole('button', { name: 'New chat' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New chat' });
  await dialog.getByRole('tab', { name: 'Group' }).click();
  await dialog.getByLabel('Name').fill(title);
  if (historyForNewcomers) await dialog.getByLabel('New members see earlier messages').check();
  for (const m of members) {
    await dialog.getByLabel('Add people').fill(m.username);
    await dialog.getByRole('button', { name: new RegExp(m.name) }).click();
  }
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
}

/** An access token for REST seeding (the desktop flow returns tokens in the body). */
export async function apiToken(request: APIRequestContext, user: TestUser): Promise<string> {
  const res = await request.post('/api/v1/auth/login', {
    data: { login: user.email, password: user.password, client: 'desktop', device: { name: 'e2e', platform: 'linux' } },
  });
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { data: { accessToken: string } }).data.accessToken;
}

/** Signs an existing user in through the login screen (a second device). Not rate-limited like sign-up. */
export async function signIn(page: Page, user: TestUser): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Email or username').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
}

/**
 * Fixed ports of the stand-ins e2e tests start (offset 0: the link-preview test site, 1: the GitHub
 * stand-in), derived from CHARLA_E2E_PORT so parallel runs on other ports do not collide; the e2e
 * server (scripts/e2e-server.mjs) is configured with the same numbers.
 */
export const standInPort = (offset: number) => Number(process.env.CHARLA_E2E_PORT ?? 4100) + 20000 + offset;

/** axe finds no serious or critical issue on the page as it is now. */
export async function expectAxeClean(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  ).toEqual([]);
}
