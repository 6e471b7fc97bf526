import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeWebm, makeWebmRecording } from './media.fixtures.ts';
import { inspectWebm } from './media.webm.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-webm-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const write = (bytes: Buffer) => {
  const file = path.join(dir, `f${n++}.webm`);
  fs.writeFileSync(file, bytes);
  return file;
};

describe('inspectWebm', () => {
  it('reads tracks and the length of a live-stream recording from its last block', async () => {
    expect(await inspectWebm(write(makeWebmRecording(12.34)))).toEqual({
      hasVideo: false,
      hasAudio: true,
      duration: expect.closeTo(12.34, 1),
    });
    // Longer than one 16-bit relative timecode span, over many clusters.
    const long = await inspectWebm(write(makeWebmRecording(95)));
    expect(long?.duration).toBeCloseTo(95, 1);
  });

  it("prefers Info's Duration when the file has one, and tells videos apart", async () => {
    const info = await inspectWebm(write(makeWebmRecording(2, { video: true, infoDuration: 4321 })));
    expect(info).toEqual({ hasVideo: true, hasAudio: true, duration: 4.321 });
  });

  it('gives up cleanly on headers alone, truncated files and garbage', async () => {
    expect(await inspectWebm(write(makeWebm()))).toBeNull();
    const whole = makeWebmRecording(3);
    const cut = await inspectWebm(write(whole.subarray(0, Math.floor(whole.length / 2))));
    expect(cut?.hasAudio).toBe(true);
    expect(cut?.duration ?? 0).toBeLessThan(3);
    expect(await inspectWebm(write(Buffer.alloc(5000, 0xff)))).toBeNull();
    expect(await inspectWebm(write(Buffer.alloc(0)))).toBeNull();
    expect(await inspectWebm(write(Buffer.from('1a45dfa3ff', 'hex')))).toBeNull();
  });
});
