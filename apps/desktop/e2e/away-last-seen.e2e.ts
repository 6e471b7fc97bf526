import type { Page } from '@playwright/test';
import { expect, newContext, newUser, openConversation, signIn, signUpUser, test } from './support.ts';

/**
 * Headless Chromium never hides a page by itself, so the test makes the page report what a browser
 * reports when the tab goes to the background: document.visibilityState "hidden" and the
 * visibilitychange event (the idle timer of "no input for 5 minutes" has unit tests).
 */
const setVisibility = (page: Page, state: 'hidden' | 'visible') =>
  page.evaluate((s) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => s });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);

test('a hidden tab shows as away to the other person; after leaving, "last seen"', async ({ browser, request }) => {
  const ana = newUser('Ana');
  const ben = newUser('Ben');
  const anaGrant = await signUpUser(request, ana);
  const benGrant = await signUpUser(request, ben);
  const created = await request.post('/api/v1/conversations', {
    headers: { authorization: `Bearer ${anaGrant.accessToken}` },
    data: { kind: 'direct', userId: benGrant.user.id },
  });
  expect(created.ok()).toBe(true);

  const b = await newContext(browser);
  await signIn(b.page, ben);
  const a = await newContext(browser);
  await signIn(a.page, ana);
  await openConversation(a.page, ben.name);
  const header = a.page.locator('.chat-header .chat-status');
  await expect(header.getByText('online', { exact: true })).toBeVisible();

  await setVisibility(b.page, 'hidden');
  await expect(header.getByText('away', { exact: true })).toBeVisible();
  await setVisibility(b.page, 'visible');
  await expect(header.getByText('online', { exact: true })).toBeVisible();

  // Ben leaves (the page unloads and its socket closes): his last-seen time shows.
  await b.page.goto('about:blank');
  await expect(header.getByText(/^last seen \d/)).toBeVisible({ timeout: 15_000 });
  await b.context.close();
  await a.context.close();
});
