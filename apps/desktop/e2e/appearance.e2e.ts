import path from 'node:path';
import { TINY_PNG as png } from './png.ts';
import {
  anaAndBen,
  createGroup,
  expect,
  expectAxeClean,
  history,
  newContext,
  newUser,
  register,
  send,
  startDirectChat,
  test,
} from './support.ts';

// Screenshots are test artifacts; CHARLA_UPDATE_SCREENSHOTS=1 refreshes the README's copies in docs/.
const root = path.resolve(import.meta.dirname, '../../..');
const shots = process.env.CHARLA_UPDATE_SCREENSHOTS
  ? path.join(root, 'docs/screenshots')
  : path.join(root, 'test-results/screenshots');

test('main screens pass axe in light and dark, Spanish renders live, keyboard-only switching works', async ({
  browser,
}) => {
  // Six axe scans (~1-4 s each on a busy machine) and two sign-ups with their emailed code.
  test.setTimeout(60_000);
  const ana = newUser('Ana');
  const ben = newUser('Ben');
  const b = await newContext(browser);
  await register(b.page, ben);
  const { context, page } = await newContext(browser);
  await page.setViewportSize({ width: 1200, height: 760 });

  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expectAxeClean(page, 'login light');

  await register(page, ana);
  await startDirectChat(page, ben);
  await send(page, 'Hi Ben! The plan: https://example.com/plan');
  await b.page
    .getByRole('navigation', { name: 'Conversations' })
    .getByRole('button', { name: new RegExp(ana.name) })
    .click();
  await send(b.page, 'Sounds good, see you at 10');
  await expect(history(page).getByText('Sounds good')).toBeVisible();
  await createGroup(page, 'Book club', [ben]);
  await send(page, 'Next book: "Cien años de soledad"');
  await page
    .getByRole('navigation', { name: 'Conversations' })
    .getByRole('button', { name: new RegExp(ben.name) })
    .click();
  await expect(history(page).getByText('Sounds good')).toBeVisible();
  await expectAxeClean(page, 'chat light');
  await page.screenshot({ path: path.join(shots, 'chat-light.png') });

  // Keyboard only: Ctrl+K opens the quick switcher, Enter opens the chat, the composer has focus.
  await page.goto('/#/');
  await expect(page.getByText('Pick a conversation, or start a new one.')).toBeVisible();
  await page.keyboard.press('Control+k');
  await expect(page.getByRole('dialog', { name: 'Go to conversation' })).toBeVisible();
  await page.keyboard.type(ben.name);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: ben.name })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();
  await page.keyboard.type('typed without a mouse');
  await page.keyboard.press('Enter');
  await expect(history(page).getByText('typed without a mouse')).toBeVisible();

  // Settings: dark theme, then Spanish, switched live.
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await expectAxeClean(page, 'settings light');
  await page.getByLabel('Dark').check();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expectAxeClean(page, 'settings dark');
  await page.getByLabel('Language').selectOption('es');
  await expect(page.getByRole('heading', { name: 'Ajustes', level: 1 })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');

  // The choice survives a reload (settings persist through the platform).
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Ajustes', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Volver' }).click();
  await page
    .getByRole('navigation', { name: 'Conversaciones' })
    .getByRole('button', { name: new RegExp(ben.name) })
    .click();
  await expect(page.getByRole('textbox', { name: 'Mensaje' })).toBeVisible();
  await expect(page.getByRole('log', { name: 'Historial de mensajes' }).getByText('Sounds good')).toBeVisible();
  await expectAxeClean(page, 'chat dark');
  await page.screenshot({ path: path.join(shots, 'chat-dark-es.png') });

  await page.getByRole('button', { name: 'Nuevo chat' }).click();
  await expect(page.getByRole('dialog', { name: 'Nuevo chat' })).toBeVisible();
  await expectAxeClean(page, 'new chat dark');
  await page.keyboard.press('Escape');

  // Sign-in screen in dark + Spanish.
  await context.clearCookies();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Iniciar sesión' })).toBeVisible();
  await expectAxeClean(page, 'login dark');

  await context.close();
  await b.context.close();
});

test('the everyday-chat screens pass axe: tray and emoji picker, chat menu, details tabs, viewer, voice note, accents', async ({
  browser,
}) => {
  // Many axe passes (each screen, light and dark accents): slow on a loaded machine, not stuck.
  test.setTimeout(180_000);
  const { ben, a, b } = await anaAndBen(browser, { width: 1200, height: 760 });
  const { context, page } = a;
  await startDirectChat(page, ben);
  await send(page, 'Formatting: *bold* _it_ ~no~ `code` and https://example.com');

  // Composer tray with a photo and a file, then the emoji picker.
  await page.locator('input[type="file"]').setInputFiles([
    { name: 'photo.png', mimeType: 'image/png', buffer: png },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('notes') },
  ]);
  await expect(page.getByRole('progressbar')).toHaveCount(0);
  await expectAxeClean(page, 'composer tray');
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(history(page).getByRole('button', { name: 'Open image photo.png' })).toBeVisible();
  await page.getByRole('button', { name: 'Emoji', exact: true }).click();
  await expect(page.getByRole('grid', { name: 'Emoji' }).getByRole('gridcell').first()).toBeVisible();
  await expectAxeClean(page, 'emoji picker');
  await page.keyboard.press('Escape');

  // Chat list menu.
  await page
    .getByRole('navigation', { name: 'Conversations' })
    .locator('.conversation-row')
    .first()
    .click({ button: 'right' });
  await expect(page.getByRole('menu')).toBeVisible();
  await expectAxeClean(page, 'chat list menu');
  await page.keyboard.press('Escape');

  // Details with shared tabs, then the viewer.
  await page.getByRole('button', { name: 'Details' }).click();
  await expect(page.getByRole('tab', { name: 'Media' })).toBeVisible();
  await expectAxeClean(page, 'details media');
  await page.getByRole('tab', { name: 'Links' }).click();
  await expect(page.getByRole('tabpanel').getByRole('link')).toBeVisible();
  await expectAxeClean(page, 'details links');
  await history(page).getByRole('button', { name: 'Open image photo.png' }).click();
  await expect(page.getByRole('dialog', { name: /photo\.png/ })).toBeVisible();
  await expectAxeClean(page, 'viewer');
  await page.keyboard.press('Escape');

  // Settings with an accent, dark, large text and a chat background; the chat in that look.
  await page.getByRole('button', { name: 'Settings' }).click();
  const appearance = page.getByRole('region', { name: 'Appearance' });
  for (const accent of ['Blue', 'Pink']) {
    await appearance.getByLabel(accent).check();
    await expectAxeClean(page, `settings light ${accent}`);
  }
  await appearance.getByLabel('Dark').check();
  await appearance.getByLabel('Large').check();
  await appearance.getByLabel('Grid').check();
  for (const accent of ['Purple', 'Orange', 'Green']) {
    await appearance.getByLabel(accent).check();
    await expectAxeClean(page, `settings dark ${accent}`);
  }
  await page.getByRole('button', { name: 'Back' }).click();
  await page.getByRole('navigation', { name: 'Conversations' }).locator('.conversation-row').first().click();
  await expect(history(page).getByRole('button', { name: 'Open image photo.png' })).toBeVisible();
  await expectAxeClean(page, 'chat dark large grid');

  await context.close();
  await b.context.close();
});
