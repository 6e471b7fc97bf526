import { expect, expectAxeClean, newContext, newUser, register, test } from './support.ts';

/**
 * The missed-message email: opt-in from Settings (stored on the server, so it survives a reload and
 * applies to every device), and the unsubscribe page the email links to. The digest's sending (once,
 * after the delay, respecting unsubscribe and hide-content) is covered by the server's digest tests;
 * a real token needs a digest to have gone out, which takes minutes, so here the page gets one that
 * does not exist and must say so.
 */
test('turn the missed-message email on, pick the delay, hide text; the unsubscribe page', async ({ browser }) => {
  const { context, page } = await newContext(browser);
  await register(page, newUser('Digest'));
  await page.goto('/#/settings');
  const toggle = page.getByLabel('Email me about missed direct messages and mentions');
  await expect(toggle).not.toBeChecked();
  await expect(page.getByLabel('Send after')).toHaveCount(0);
  await toggle.click();
  await expect(toggle).toBeChecked();
  await expect(page.getByLabel('Send after')).toHaveValue('30');
  await page.getByLabel('Send after').selectOption({ label: '2 hours' });
  await expect(page.getByLabel('Send after')).toHaveValue('120');
  await page.getByLabel('Leave message text out of the email').click();
  await expect(page.getByLabel('Leave message text out of the email')).toBeChecked();
  await expectAxeClean(page, 'settings with the email digest');

  await page.reload();
  await expect(page.getByLabel('Email me about missed direct messages and mentions')).toBeChecked();
  await expect(page.getByLabel('Send after')).toHaveValue('120');
  await expect(page.getByLabel('Leave message text out of the email')).toBeChecked();

  // The email's link: nothing happens until the button (mail scanners open links).
  await page.goto(`/unsubscribe?token=${'u'.repeat(32)}`);
  await expect(page.getByText('Stop the emails about missed messages for this account?')).toBeVisible();
  await expectAxeClean(page, 'unsubscribe page');
  await page.getByRole('button', { name: 'Stop these emails' }).click();
  await expect(page.getByText('This link was already used or has expired.', { exact: false })).toBeVisible();
  await page.getByRole('button', { name: 'Open Charla' }).click();
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toBeVisible();
  await context.close();
});
