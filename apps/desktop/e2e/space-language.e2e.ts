import { anaAndBen, apiToken, expect, history, test } from './support.ts';

/*
 * A space's default language (issue 20): members who chose no reading language read translations
 * in it there, while at home they keep their app's language.
 */
test("members without a reading language read a space's messages translated into its language", async ({
  browser,
  request,
}) => {
  test.setTimeout(90_000);
  const { ana, ben, b } = await anaAndBen(browser);
  const tag = Math.random().toString(36).slice(2, 8);
  const spaceName = `Club ${tag}`;
  const call = async (token: string, path: string, data: unknown, space?: string) => {
    const res = await request.post(`/api/v1${path}`, {
      headers: { authorization: `Bearer ${token}`, ...(space ? { 'x-charla-space': space } : {}) },
      data,
    });
    expect(res.ok(), `${path}: ${res.status()}`).toBe(true);
    return ((await res.json()) as { data: Record<string, string> }).data;
  };
  const [anaToken, benToken] = [await apiToken(request, ana), await apiToken(request, ben)];
  const space = await call(anaToken, '/spaces', { name: spaceName, joinPolicy: 'anyone', defaultLanguage: 'es' });
  await call(benToken, `/spaces/${space.id}/join`, {});
  const me = await request.get('/api/v1/users/me', { headers: { authorization: `Bearer ${benToken}` } });
  const benId = ((await me.json()) as { data: { id: string } }).data.id;
  const title = `Oficina ${tag}`;
  const g = await call(anaToken, '/conversations', { kind: 'group', title, memberIds: [benId] }, space.id);
  await call(
    anaToken,
    `/conversations/${g.id}/messages`,
    { clientMsgId: tag, text: 'See you tomorrow at the office' },
    space.id,
  );

  await b.page.reload();
  await b.page.getByRole('navigation', { name: 'Spaces' }).getByRole('button', { name: spaceName }).click();
  await b.page
    .getByRole('navigation', { name: 'Conversations' })
    .getByRole('button', { name: new RegExp(title) })
    .click();
  const message = history(b.page).getByRole('article').filter({ hasText: 'See you tomorrow at the office' });
  await message.getByRole('button', { name: 'Translate' }).click();
  await expect(history(b.page).getByText('Nos vemos mañana en la oficina')).toBeVisible();
});
