import { expect, test } from './support.ts';

test('the web client serves the sign-in screen and the server is healthy', async ({ page, request }) => {
  const health = await request.get('/healthz');
  expect(health.ok()).toBe(true);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: /Sign in|Iniciar sesión/ })).toBeVisible();
  await expect(page.getByLabel(/Email or username|Correo o nombre de usuario/)).toBeVisible();
});
