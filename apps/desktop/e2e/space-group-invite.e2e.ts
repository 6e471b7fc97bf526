import { apiToken, expect, expectAxeClean, history, newUser, registerEach, send, test } from './support.ts';

/*
 * A group invite link made in a space names the space (`?space=`): someone in the space who opens
 * it from elsewhere is taken there and joins the group; someone outside the space is told so.
 */
test('a group invite made in a space takes its members there; others are told it is not theirs', async ({
  browser,
  request,
}) => {
  test.setTimeout(90_000);
  const ana = newUser('Ana');
  const ben = newUser('Ben');
  const cy = newUser('Cy');
  const [, b, c] = await registerEach(browser, [ana, ben, cy]);
  const tag = Math.random().toString(36).slice(2, 8);
  const spaceName = `Choir ${tag}`;
  const call = async (token: string, method: 'post' | 'get', path: string, data?: unknown, space?: string) => {
    const res = await request[method](`/api/v1${path}`, {
      headers: { authorization: `Bearer ${token}`, ...(space ? { 'x-charla-space': space } : {}) },
      ...(data === undefined ? {} : { data }),
    });
    expect(res.ok(), `${method} ${path}: ${res.status()}`).toBe(true);
    return ((await res.json()) as { data: Record<string, string> }).data;
  };
  const [anaToken, benToken] = [await apiToken(request, ana), await apiToken(request, ben)];
  const space = await call(anaToken, 'post', '/spaces', { name: spaceName });
  const spaceInvite = await call(anaToken, 'post', `/spaces/${space.id}/invites`, {});
  await call(benToken, 'post', `/spaces/invites/${spaceInvite.code}`);
  const group = await call(anaToken, 'post', '/conversations', { kind: 'group', title: `Altos ${tag}` }, space.id);
  await call(
    anaToken,
    'post',
    `/conversations/${group.id}/messages`,
    { clientMsgId: tag, text: 'rehearsal at 7' },
    space.id,
  );
  const invite = await call(anaToken, 'post', `/conversations/${group.id}/invites`, {}, space.id);
  expect(invite.webUrl).toContain(`?space=${space.id}`);
  const link = new URL(invite.webUrl as string);

  // Ben is at home; the link takes him into the space, where the invite is, and he joins.
  await b.page.goto(`${link.pathname}${link.search}`);
  await expect(b.page.getByRole('heading', { level: 2, name: `Altos ${tag}` })).toBeVisible();
  await b.page.getByRole('button', { name: 'Join', exact: true }).click();
  await expect(
    b.page.getByRole('navigation', { name: 'Spaces' }).getByRole('button', { name: spaceName }),
  ).toHaveAttribute('aria-current', 'true');
  await send(b.page, 'count me in');
  await expect(history(b.page).getByText('count me in')).toBeVisible();

  // Cy is not in the space: the link says so, and nothing of the group shows.
  await c.page.goto(`${link.pathname}${link.search}`);
  await expect(c.page.getByRole('status').getByText(/a group in a space you are not in/)).toBeVisible();
  await expect(c.page.getByText(`Altos ${tag}`)).toHaveCount(0);
  await expectAxeClean(c.page, 'group invite of another space');
});
