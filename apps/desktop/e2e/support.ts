import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { type APIRequestContext, type Browser, type BrowserContext, expect, type Page } from '@playwright/test';
import { e2eDataDir } from './data-dir.ts';

export type TestUser = { name: string; username: string; email: string; password: string };

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

/** Registers through the UI and waits for the chat shell. */
export async function register(page: Page, user: TestUser): Promise<void> {
  await page.goto('/#/register');
  await page.getByLabel(/^Your name|^Tu nombre/).fill(user.name);
  await page.getByLabel(/^Email|^Correo electrónico/).fill(user.email);
  await page.getByLabel(/^Username|^Nombre de usuario/).fill(user.username);
  await page.getByLabel(/^Password|^Contraseña/).fill(user.password);
  await page.getByRole('button', { name: /Create account|Crear cuenta/ }).click();
  await expect(page.getByRole('navigation', { name: /Conversations|Conversaciones/ })).toBeVisible();
}

export async function newContext(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  if (process.env.CHARLA_E2E_CONSOLE) {
    page.on('console', (m) => m.type() !== 'log' && process.stderr.write(`[console.${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => process.stderr.write(`[pageerror] ${e.message}\n`));
  }
  return { context, page };
}

/** Opens (or creates) the direct chat with `other` from the "New chat" dialog. */
export async function startDirectChat(page: Page, other: TestUser): Promise<void> {
  await page.getByRole('button', { name: 'New chat' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New chat' });
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

/** axe finds no serious or critical issue on the page as it is now. */
export async function expectAxeClean(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  ).toEqual([]);
}

/** The link of the newest mail to `to` whose link contains `kind` (the e2e server writes mail to its outbox). */
export async function mailedLink(to: string, kind: string): Promise<string> {
  const dir = path.join(e2eDataDir(), 'outbox');
  for (let i = 0; i < 50; i++) {
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
    const link = files
      .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
      .filter((mail) => mail.split(/\r?\n/).some((line) => line.toLowerCase() === `to: ${to.toLowerCase()}`))
      .map((mail) => /^X-Charla-Link: (\S+)/m.exec(mail)?.[1] ?? '')
      .filter((l) => l.includes(kind))
      .at(-1);
    if (link) return link;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${kind} mail to ${to}`);
}
