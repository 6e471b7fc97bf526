import { expect, expectAxeClean, newContext, newUser, register, test } from './support.ts';

test('import a vCard, find a friend who allowed it (only hashes leave the browser), start a chat', async ({
  browser,
}) => {
  const ana = newUser('Ana');
  const ben = newUser('Ben');
  const cy = newUser('Cy');
  await register((await newContext(browser)).page, cy);
  // Ben turns on being found by email in Settings (off by default).
  const b = await newContext(browser);
  await register(b.page, ben);
  await b.page.getByRole('button', { name: 'Settings' }).click();
  const findable = b.page.getByRole('checkbox', { name: 'Let people who have my email address find me' });
  await expect(findable).not.toBeChecked();
  await findable.check();
  await expect(b.page.getByText('People with your email address can now find you')).toBeVisible();

  const { page } = await newContext(browser);
  await register(page, ana);
  const sent: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/discovery/lookup')) sent.push(r.postData() ?? '');
  });
  await page.getByRole('button', { name: 'New chat' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'New chat' });
  await dialog.getByRole('tab', { name: 'Find friends' }).click();
  await expectAxeClean(page, 'find friends');

  // Ben under another name and in capitals; Cy never allowed it; one address is nobody's.
  const vcf = [
    ['Benjamin B.', ben.email.toUpperCase()],
    ['Cy', cy.email],
    ['Nobody', 'nobody@example.com'],
  ]
    .map(([name, email]) => `BEGIN:VCARD\r\nVERSION:3.0\r\nFN:${name}\r\nEMAIL;TYPE=INTERNET:${email}\r\nEND:VCARD\r\n`)
    .join('');
  await dialog.getByLabel('Choose a contacts file').setInputFiles({
    name: 'contacts.vcf',
    mimeType: 'text/vcard',
    buffer: Buffer.from(vcf),
  });
  await expect(dialog.getByText('1 of 3 addresses are people on Charla.')).toBeVisible();
  const found = dialog.getByRole('list', { name: 'Friends found' });
  await expect(found.getByRole('listitem')).toHaveCount(1);
  await expect(found.getByText('In your contacts as Benjamin B.')).toBeVisible();
  await expectAxeClean(page, 'friends found');

  // What left the browser: three hashes, no address.
  expect(sent).toHaveLength(1);
  const body = JSON.parse(sent[0] ?? '{}') as { hashes: string[] };
  expect(body.hashes).toHaveLength(3);
  for (const h of body.hashes) expect(h).toMatch(/^[0-9a-f]{64}$/);
  for (const raw of [ben.email, cy.email, 'nobody@example.com']) expect(sent[0]?.toLowerCase()).not.toContain(raw);

  await found.getByRole('button', { name: `Add ${ben.name} to contacts` }).click();
  await expect(found.getByRole('button', { name: `Add ${ben.name} to contacts` })).toHaveCount(0);
  await found.getByRole('button', { name: `Message ${ben.name}` }).click();
  await expect(page.getByRole('heading', { level: 2, name: ben.name })).toBeVisible();

  // A file with no addresses says so.
  await page.getByRole('button', { name: 'New chat' }).first().click();
  await dialog.getByRole('tab', { name: 'Find friends' }).click();
  await dialog.getByLabel('Choose a contacts file').setInputFiles({
    name: 'phones.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('name,phone\nZoe,+34 600 000 000\n'),
  });
  await expect(dialog.getByRole('alert')).toHaveText('There are no email addresses in that file.');
});
