import config from '../playwright.config.ts';
import { anaAndBen, expect, history, openConversation, startDirectChat, test } from './support.ts';

// Chromium's fake microphone (a beeping test signal) and an auto-accepted permission prompt.
const base = config.use?.launchOptions ?? {};
test.use({
  launchOptions: {
    ...base,
    args: [...(base.args ?? []), '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  },
});

test('a voice note is recorded, cancelled or sent, and plays with its length, waveform and 1×/1.5×/2× speeds', async ({
  browser,
}) => {
  const { ana, ben, a, b } = await anaAndBen(browser);
  await startDirectChat(a.page, ben);
  await openConversation(b.page, ana.name);

  // Cancel: nothing is sent.
  await a.page.getByRole('button', { name: 'Record a voice message' }).click();
  await expect(a.page.getByRole('timer', { name: 'Recording' })).toBeVisible();
  await a.page.getByRole('button', { name: 'Cancel recording' }).click();
  await expect(a.page.getByRole('timer')).toHaveCount(0);
  await expect(a.page.getByRole('textbox', { name: 'Message' })).toBeVisible();

  // Record about three seconds and send.
  await a.page.getByRole('button', { name: 'Record a voice message' }).click();
  await expect(a.page.getByRole('timer', { name: 'Recording' })).toHaveText('0:03', { timeout: 10_000 });
  await a.page.getByRole('button', { name: 'Send voice message' }).click();

  const play = history(b.page).getByRole('button', { name: /^Play voice message, 0:0[34]$/ });
  await expect(play).toBeVisible({ timeout: 15_000 });
  await expect(history(a.page).getByRole('button', { name: /^Play voice message/ })).toBeVisible();
  await expect(history(b.page).getByRole('article')).toHaveCount(1);

  // The waveform is decoded from the recording: its bars are not all the same height.
  const heights = await history(b.page)
    .locator('.voice-wave span')
    .evaluateAll((spans) => new Set(spans.map((s) => (s as HTMLElement).style.height)).size);
  expect(heights).toBeGreaterThan(3);

  const speed = history(b.page).getByRole('button', { name: /^Playback speed/ });
  await expect(speed).toHaveAccessibleName('Playback speed 1×');
  await speed.click();
  await expect(speed).toHaveAccessibleName('Playback speed 1.5×');
  await speed.click();
  await expect(speed).toHaveAccessibleName('Playback speed 2×');

  await play.click();
  await expect(history(b.page).getByRole('button', { name: 'Pause' })).toBeVisible();
  const position = history(b.page).getByRole('slider', { name: 'Playback position' });
  await expect(position).not.toHaveAttribute('aria-valuenow', '0');
  expect(await b.page.locator('audio').evaluate((el) => (el as HTMLAudioElement).playbackRate)).toBe(2);
  // At 2× a three-second note ends within about two seconds and returns to its length.
  await expect(play).toBeVisible({ timeout: 6_000 });

  // The choice of speed is remembered for the next note.
  await b.page.reload();
  await expect(history(b.page).getByRole('button', { name: 'Playback speed 2×' })).toBeVisible();

  await a.context.close();
  await b.context.close();
});
