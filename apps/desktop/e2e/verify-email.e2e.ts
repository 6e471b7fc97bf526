import { expect, test } from '@playwright/test';
import { expectAxeClean, mailedLink, newContext, newUser, register } from './support.ts';

test('after sign-up a banner says a mail was sent, resends it, and goes away once verified', async ({ browser }) => {
  const ana = newUser('Ana');
  const { context, page } = await newContext(browser);
  await register(page, ana);

  const banner = page.getByRole('region', { name: 'Confirm your email' });
  await expect(banner).toContainText(`We sent a link to ${ana.email}.`);
  await expectAxeClean(page, 'verify banner');
  const first = await mailedLink(ana.email, 'verify-email');

  await banner.getByRole('button', { name: 'Send the link again' }).click();
  await expect(banner.getByRole('status')).toContainText('Sent. Check your inbox and spam folder.');
  await expect(banner.getByRole('status')).toContainText(/You can ask again in \d+ s\./);
  await expect(banner.getByRole('button', { name: 'Send the link again' })).toBeDisabled();
  await expect.poll(() => mailedLink(ana.email, 'verify-email')).not.toBe(first);

  // Settings shows the same state and the same (waiting) resend.
  await page
    .getByRole('button', { name: /Settings/ })
    .first()
    .click();
  const profile = page.locator('.verify-line');
  await expect(profile).toContainText(`${ana.email} · not verified yet`);
  await expect(profile.getByRole('button', { name: 'Send the link again' })).toBeDisabled();

  // The link opened elsewhere (another tab): back in Charla, the reminder is gone.
  const link = await mailedLink(ana.email, 'verify-email');
  const other = await context.newPage();
  await other.goto(new URL(link).pathname + new URL(link).search);
  await expect(other.getByText(/confirmed|verified/i).first()).toBeVisible();
  await other.close();
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await expect(profile).toContainText(`${ana.email} · verified`);
  await expect(banner).toHaveCount(0);
  await context.close();
});
