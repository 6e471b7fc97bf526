import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { expect, expectAxeClean, mailedLink, newContext, newUser, register, test } from './support.ts';

/**
 * Sign-up proves the address with its code, so every new account is verified; accounts from before
 * sign-up codes are not. The test makes one such account by clearing the flag in the e2e server's
 * SQLite file (scripts/e2e-server.mjs keeps one data directory per port).
 */
function markUnverified(email: string) {
  const file = path.join(os.tmpdir(), `charla-e2e-${process.env.CHARLA_E2E_PORT ?? '4100'}`, 'charla.sqlite');
  const db = new DatabaseSync(file);
  db.exec('PRAGMA busy_timeout = 5000');
  db.prepare('UPDATE users SET email_verified_at = NULL WHERE email = ?').run(email);
  db.close();
}

test('an unverified account gets a banner with resend until the email is confirmed', async ({ browser }) => {
  const ana = newUser('Ana');
  const { context, page } = await newContext(browser);
  await register(page, ana);
  const banner = page.getByRole('region', { name: 'Confirm your email' });
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
  await expect(banner).toHaveCount(0);

  markUnverified(ana.email);
  await page.reload();
  await expect(banner).toContainText(`Your email address ${ana.email} is not confirmed yet.`);
  await expectAxeClean(page, 'verify banner');

  await banner.getByRole('button', { name: 'Send the link again' }).click();
  await expect(banner.getByRole('status')).toContainText('Sent. Check your inbox and spam folder.');
  await expect(banner.getByRole('status')).toContainText(/You can ask again in \d+ s\./);
  await expect(banner.getByRole('button', { name: 'Send the link again' })).toBeDisabled();
  await expect.poll(() => mailedLink(ana.email)).toContain('/verify-email?token=');

  // Settings shows the same state and the same (waiting) resend.
  await page
    .getByRole('button', { name: /Settings/ })
    .first()
    .click();
  const profile = page.locator('.verify-line');
  await expect(profile).toContainText(`${ana.email} · not verified yet`);
  await expect(profile.getByRole('button', { name: 'Send the link again' })).toBeDisabled();

  // The link opened elsewhere (another tab): back in Charla, the reminder is gone.
  const link = new URL(await mailedLink(ana.email));
  const other = await context.newPage();
  await other.goto(link.pathname + link.search);
  await expect(other.getByText(/confirmed|verified/i).first()).toBeVisible();
  await other.close();
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await expect(profile).toContainText(`${ana.email} · verified`);
  await expect(banner).toHaveCount(0);
  await context.close();
});
