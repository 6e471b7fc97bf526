import { createGroup, expect, newContext, newUser, register, test } from './support.ts';

test('a file over the server limit is refused before uploading, in human units', async ({ browser }) => {
  // Handing a 25 MB file to the page takes a while on a loaded machine.
  test.setTimeout(60_000);
  const ana = newUser('Ana');
  const a = await newContext(browser);
  await register(a.page, ana);
  await createGroup(a.page, 'Big files', []);
  const uploads: string[] = [];
  a.page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/media') uploads.push(r.url());
  });

  // The e2e server runs with the default MEDIA_MAX_BYTES (25 MB), which the client learns from /config.
  await a.page.locator('input[type="file"]').setInputFiles({
    name: 'film.bin',
    mimeType: 'application/octet-stream',
    buffer: Buffer.alloc(25 * 1024 * 1024 + 1),
  });
  await expect(a.page.getByRole('alert')).toContainText('Files can be up to 25 MB.');
  expect(uploads).toEqual([]);
  await expect(a.page.getByRole('progressbar')).toHaveCount(0);
  await a.context.close();
});
