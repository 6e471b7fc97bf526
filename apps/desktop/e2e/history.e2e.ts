import { apiToken, createGroup, expect, history, newContext, newUser, register, test } from './support.ts';

test('scrolling up loads older history and keeps the visible message in place', async ({ browser, request }) => {
  // One account only (sign-ups are rate-limited per IP): a group of one is enough here.
  const ana = newUser('Ana');
  const a = await newContext(browser);
  await register(a.page, ana);
  await createGroup(a.page, 'Long history', []);
  const conversationId = decodeURIComponent(new URL(a.page.url()).hash.split('/')[2] ?? '');
  const token = await apiToken(request, ana);
  for (let i = 1; i <= 160; i++) {
    const res = await request.post(`/api/v1/conversations/${conversationId}/messages`, {
      headers: { authorization: `Bearer ${token}` },
      data: { clientMsgId: `hist-${i}`, text: `history line ${i}` },
    });
    expect(res.ok()).toBe(true);
  }
  await a.page.reload();
  const log = history(a.page);
  await expect(log.getByText('history line 160', { exact: true })).toBeVisible();

  // Scroll to the top a few times: each time an older page is prepended and the row we were looking
  // at must stay on screen (scroll anchoring), until the very first message is reached.
  for (let round = 0; round < 6; round++) {
    if (await log.getByText('history line 1', { exact: true }).isVisible()) break;
    const topText = await log.evaluate(async (el) => {
      el.scrollTop = 0;
      // Let the list render the rows at the new position before reading the top one.
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const box = el.getBoundingClientRect();
      const first = [...el.querySelectorAll('article')].find((n) => n.getBoundingClientRect().bottom > box.top + 4);
      return first?.querySelector('.text')?.textContent ?? '';
    });
    await a.page.waitForTimeout(600);
    const stillVisible = await log.evaluate((el, text) => {
      const box = el.getBoundingClientRect();
      const row = [...el.querySelectorAll('article')].find((n) => n.querySelector('.text')?.textContent === text);
      if (!row) return false;
      const r = row.getBoundingClientRect();
      return r.bottom > box.top && r.top < box.bottom;
    }, topText);
    expect(stillVisible, `"${topText}" stays on screen after loading older messages`).toBe(true);
  }
  await log.evaluate((el) => {
    el.scrollTop = 0;
  });
  await expect(log.getByText('history line 1', { exact: true })).toBeVisible();
  // Virtualised: far fewer rows mounted than messages loaded.
  expect(await log.locator('article').count()).toBeLessThan(120);

  await a.context.close();
});
