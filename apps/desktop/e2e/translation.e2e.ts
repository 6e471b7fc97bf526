import type { Page } from '@playwright/test';
import { createGroup, expect, history, newContext, newUser, register, send, test } from './support.ts';

/*
 * Automatic translation (issue 16) against the e2e server's translation stand-in (DeepL's wire
 * format through the real deepl-node SDK; scripts/e2e-server.mjs). The stand-in's phrase book maps
 * the sentences used here between Spanish and English. The e2e server sets a per-user quota of 800
 * characters a day, which the last step uses up.
 */

const historyEs = (page: Page) => page.getByRole('log', { name: 'Historial de mensajes' });
async function sendEs(page: Page, text: string) {
  const box = page.getByRole('textbox', { name: 'Mensaje', exact: true });
  await box.fill(text);
  await box.press('Enter');
}

test('a Spanish and an English reader each read the other in their language', async ({ browser }) => {
  test.setTimeout(90_000);
  const lucia = newUser('Lucia');
  const john = newUser('John');
  const es = await browser.newContext({ locale: 'es-ES' });
  const l = await es.newPage();
  const j = await newContext(browser);
  await register(l, lucia);
  await register(j.page, john);

  const title = `Familia ${Date.now().toString(36)}`;
  await createGroup(j.page, title, [lucia]);
  // John reads this group translated automatically.
  const auto = j.page.getByRole('checkbox', { name: 'Translate automatically' });
  await expect(auto).toBeEnabled();
  await auto.check();
  await expect(auto).toBeChecked();

  await l
    .getByRole('navigation', { name: 'Conversaciones' })
    .getByRole('button', { name: new RegExp(title) })
    .click();
  await expect(l.getByRole('heading', { level: 2, name: title })).toBeVisible();
  // Lucía has auto-translate off: it is per user.
  await expect(l.getByRole('checkbox', { name: 'Traducir automáticamente' })).not.toBeChecked();

  // Lucía writes in Spanish; John sees English, with the original one click away.
  await sendEs(l, 'Hola a todos, ¿qué tal el fin de semana?');
  await expect(historyEs(l).getByText('Hola a todos, ¿qué tal el fin de semana?')).toBeVisible();
  const jHistory = history(j.page);
  await expect(jHistory.getByText('Hi everyone, how was the weekend?')).toBeVisible();
  const greeting = jHistory.getByRole('article').filter({ hasText: 'Hi everyone, how was the weekend?' });
  await expect(greeting.getByText('Translated from Spanish')).toBeVisible();
  await greeting.getByRole('button', { name: 'Show original' }).click();
  await expect(jHistory.getByText('Hola a todos, ¿qué tal el fin de semana?')).toBeVisible();
  await jHistory.getByRole('button', { name: 'Show translation' }).click();
  await expect(jHistory.getByText('Hi everyone, how was the weekend?')).toBeVisible();

  // John answers in English; Lucía translates on demand, and can go back to the original.
  await send(j.page, 'Great, we stayed home and watched films');
  const reply = historyEs(l).getByRole('article').filter({ hasText: 'Great, we stayed home and watched films' });
  await expect(reply).toBeVisible();
  await reply.getByRole('button', { name: 'Traducir' }).click();
  await expect(historyEs(l).getByText('Genial, nos quedamos en casa y vimos películas')).toBeVisible();
  const translatedReply = historyEs(l).getByRole('article').filter({ hasText: 'Genial, nos quedamos' });
  await expect(translatedReply.getByText('Traducido del inglés')).toBeVisible();
  await translatedReply.getByRole('button', { name: 'Ver original' }).click();
  await expect(historyEs(l).getByText('Great, we stayed home and watched films')).toBeVisible();
  // Her own messages are never offered for translation.
  await expect(
    historyEs(l).getByRole('article').filter({ hasText: 'Hola a todos' }).getByRole('button', { name: 'Traducir' }),
  ).toHaveCount(0);

  // An edit updates the translation.
  await sendEs(l, 'Fuimos a la playa con los niños');
  await expect(jHistory.getByText('We went to the beach with the kids')).toBeVisible();
  const box = l.getByRole('textbox', { name: 'Mensaje', exact: true });
  await box.focus();
  await box.press('ArrowUp');
  await expect(box).toHaveValue('Fuimos a la playa con los niños');
  await box.fill('Fuimos a la montaña con los niños');
  await box.press('Enter');
  await expect(jHistory.getByText('We went to the mountains with the kids')).toBeVisible();
  await expect(jHistory.getByText('We went to the beach with the kids')).toHaveCount(0);

  // A long message passes John's daily quota: the UI says so and shows the original.
  const long = `Os cuento lo que pasó en el viaje. ${'El tren llegó tarde y tuvimos que esperar en la estación con las maletas. '.repeat(11)}`;
  await sendEs(l, long.trim());
  await expect(
    j.page.getByRole('status').filter({ hasText: 'You have reached today’s translation limit' }),
  ).toBeVisible();
  await expect(jHistory.getByText('Os cuento lo que pasó en el viaje.', { exact: false })).toBeVisible();
  // Earlier translations stay.
  await expect(jHistory.getByText('We went to the mountains with the kids')).toBeVisible();
  await es.close();
  await j.context.close();
});
