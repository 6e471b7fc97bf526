import { startTestSite, type TestSite } from '../../server/src/modules/link-previews/link-preview.test-site.ts';
import { anaAndBen, expect, expectAxeClean, history, send, standInPort, startDirectChat, test } from './support.ts';

let site: TestSite;
test.beforeAll(async () => {
  site = await startTestSite({ port: standInPort(0) });
});
test.afterAll(async () => {
  await site?.close();
});

test('a link gets a server-made preview whose image is served by Charla; the sender can remove it', async ({
  browser,
  baseURL,
}) => {
  const { ana, ben, a, b } = await anaAndBen(browser);
  const { page } = a;
  await startDirectChat(page, ben);
  // Neither browser may contact the linked site: only the server fetches it.
  const thirdParty: string[] = [];
  for (const p of [page, b.page])
    p.on('request', (r) => {
      if (r.url().startsWith(site.origin)) thirdParty.push(r.url());
    });

  const link = `${site.origin}/og`;
  await send(page, `Have a look: ${link}`);
  const card = history(page).getByRole('region', { name: 'Link preview: Charla & friends' });
  await expect(card).toBeVisible();
  await expect(card.getByText('Test Site')).toBeVisible();
  await expect(card.getByText('A page with Open Graph tags')).toBeVisible();
  const img = card.locator('img');
  // Resolved against the page: Charla's own origin.
  expect(await img.evaluate((el) => (el as HTMLImageElement).src)).toMatch(
    new RegExp(`^${baseURL}/api/v1/link-previews/images/`),
  );
  await expect.poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(600);

  await expectAxeClean(page, 'link preview card');

  // The other member sees it live, without a remove button.
  await b.page
    .getByRole('navigation', { name: 'Conversations' })
    .getByRole('button', { name: new RegExp(ana.name) })
    .click();
  const benCard = history(b.page).getByRole('region', { name: 'Link preview: Charla & friends' });
  await expect(benCard).toBeVisible();
  await expect(benCard.getByRole('button', { name: 'Remove link preview' })).toHaveCount(0);
  expect(thirdParty).toEqual([]);

  await card.getByRole('button', { name: 'Remove link preview' }).click();
  await expect(card).toHaveCount(0);
  await expect(benCard).toHaveCount(0);
});
