import { expect, test } from '@playwright/test';

test('the web client renders its first screen and reaches the server', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Charla' })).toBeVisible();
  await expect(page.getByRole('status')).toContainText(/Connected to the server|Conectado al servidor/);
});
