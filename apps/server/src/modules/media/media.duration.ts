import fs from 'node:fs';

const TAIL_BYTES = 64 * 1024;

/**
 * Duration in seconds of an Ogg Opus/Vorbis file (voice notes), from the granule position of the
 * last page — no decoding. Null when it cannot be read (other containers report null too).
 */
export async function oggDuration(file: string): Promise<number | null> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, 128));
    await handle.read(head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(size, TAIL_BYTES));
    await handle.read(tail, 0, tail.length, size - tail.length);
    const last = tail.lastIndexOf('OggS');
    if (last < 0 || last + 14 > tail.length) return null;
    const granule = Number(tail.readBigInt64LE(last + 6));
    if (granule <= 0) return null;
    const opus = head.indexOf('OpusHead');
    if (opus >= 0 && opus + 12 <= head.length) {
      // Opus always counts at 48 kHz, minus the encoder's pre-skip.
      const preSkip = head.readUInt16LE(opus + 10);
      return Math.max(granule - preSkip, 0) / 48_000;
    }
    const vorbis = head.indexOf('\x01vorbis');
    if (vorbis >= 0 && vorbis + 16 <= head.length) {
      const rate = head.readUInt32LE(vorbis + 12);
      return rate > 0 ? granule / rate : null;
    }
    return null;
  } finally {
    await handle.close();
  }
}
