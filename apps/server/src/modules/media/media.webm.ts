import fs from 'node:fs';

/*
 * Just enough of Matroska/WebM (EBML) to tell an audio-only recording from a video and to know its
 * length. Browsers' MediaRecorder (Chromium: audio/webm;codecs=opus) writes a live stream: the Segment
 * and Clusters have "unknown" sizes and Info carries no Duration, so the length comes from the last
 * block's timestamp. No general library reads that (they take Info's Duration only), hence this
 * reader: it walks element headers, skipping payloads, so a 25 MB file costs a few thousand reads.
 */

const ID = {
  segment: 0x18538067,
  info: 0x1549a966,
  timecodeScale: 0x2ad7b1,
  duration: 0x4489,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  trackType: 0x83,
  cluster: 0x1f43b675,
  clusterTimecode: 0xe7,
  simpleBlock: 0xa3,
  blockGroup: 0xa0,
  block: 0xa1,
} as const;

/** Containers we step into (everything else is skipped by its size). */
const MASTERS = new Set<number>([ID.segment, ID.info, ID.tracks, ID.trackEntry, ID.cluster, ID.blockGroup]);
/** Unknown-size elements are allowed only for these (live streams). */
const UNKNOWN_SIZE_OK = new Set<number>([ID.segment, ID.cluster]);
const MAX_ELEMENTS = 2_000_000;
const WINDOW = 64 * 1024;

export type WebmInfo = {
  hasVideo: boolean;
  hasAudio: boolean;
  /** Seconds; null when neither Info's Duration nor any block timestamp was found. */
  duration: number | null;
};

/** Reads small spans at arbitrary offsets through one 64 KB window (few syscalls for sequential headers). */
class WindowReader {
  private buf = Buffer.alloc(0);
  private start = 0;
  private readonly handle: fs.promises.FileHandle;
  readonly size: number;
  constructor(handle: fs.promises.FileHandle, size: number) {
    this.handle = handle;
    this.size = size;
  }

  async bytes(at: number, length: number): Promise<Buffer | null> {
    if (at < 0 || at + length > this.size) return null;
    if (at < this.start || at + length > this.start + this.buf.length) {
      const len = Math.min(Math.max(WINDOW, length), this.size - at);
      const buf = Buffer.alloc(len);
      const { bytesRead } = await this.handle.read(buf, 0, len, at);
      this.buf = buf.subarray(0, bytesRead);
      this.start = at;
      if (bytesRead < length) return null;
    }
    return this.buf.subarray(at - this.start, at - this.start + length);
  }
}

/** An EBML variable-length integer at `at`: its value (marker kept for ids), width, and whether all value bits are 1. */
async function vint(r: WindowReader, at: number, keepMarker: boolean) {
  const first = await r.bytes(at, 1);
  if (!first) return null;
  const b0 = first[0] as number;
  let width = 1;
  while (width <= 8 && !(b0 & (0x80 >> (width - 1)))) width++;
  if (width > 8 || (keepMarker && width > 4)) return null;
  const raw = await r.bytes(at, width);
  if (!raw) return null;
  let value = keepMarker ? b0 : b0 & (0xff >> width);
  let allOnes = value === 0xff >> width;
  for (let i = 1; i < width; i++) {
    const b = raw[i] as number;
    value = value * 256 + b;
    if (b !== 0xff) allOnes = false;
  }
  return { value, width, unknown: !keepMarker && allOnes };
}

function readUint(b: Buffer): number {
  let v = 0;
  for (const x of b) v = v * 256 + x;
  return v;
}

/** Null when the file is not a readable WebM/Matroska stream. */
export async function inspectWebm(file: string): Promise<WebmInfo | null> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const r = new WindowReader(handle, (await handle.stat()).size);
    let scale = 1_000_000; // ns per timecode unit (Matroska default)
    let infoDuration: number | null = null;
    let hasVideo = false;
    let hasAudio = false;
    let clusterTime = 0;
    let last = -1;
    let previous = -1;
    let at = 0;
    for (let n = 0; n < MAX_ELEMENTS && at < r.size; n++) {
      const id = await vint(r, at, true);
      if (!id) break;
      const size = await vint(r, at + id.width, false);
      if (!size) break;
      const body = at + id.width + size.width;
      if (size.unknown && !UNKNOWN_SIZE_OK.has(id.value)) break;
      if (MASTERS.has(id.value)) {
        at = body; // step inside; its children follow
        continue;
      }
      const end = body + size.value;
      if (end > r.size) break;
      switch (id.value) {
        case ID.timecodeScale: {
          const b = await r.bytes(body, Math.min(size.value, 8));
          if (b && readUint(b) > 0) scale = readUint(b);
          break;
        }
        case ID.duration: {
          const b = await r.bytes(body, size.value);
          if (b && (size.value === 4 || size.value === 8)) {
            const d = size.value === 4 ? b.readFloatBE(0) : b.readDoubleBE(0);
            if (Number.isFinite(d) && d > 0) infoDuration = d;
          }
          break;
        }
        case ID.trackType: {
          const b = await r.bytes(body, Math.min(size.value, 8));
          const type = b ? readUint(b) : 0;
          if (type === 1) hasVideo = true;
          if (type === 2) hasAudio = true;
          break;
        }
        case ID.clusterTimecode: {
          const b = await r.bytes(body, Math.min(size.value, 8));
          if (b) clusterTime = readUint(b);
          break;
        }
        case ID.simpleBlock:
        case ID.block: {
          const track = await vint(r, body, false);
          const rel = track ? await r.bytes(body + track.width, 2) : null;
          if (rel) {
            const t = clusterTime + rel.readInt16BE(0);
            if (t >= last) {
              previous = last;
              last = t;
            }
          }
          break;
        }
      }
      at = end;
    }
    if (!hasVideo && !hasAudio && last < 0 && infoDuration === null) return null;
    let duration: number | null = null;
    if (infoDuration !== null) duration = (infoDuration * scale) / 1e9;
    else if (last >= 0) {
      // The last block lasts about as long as the gap before it (one codec frame).
      const frame = previous >= 0 ? last - previous : 0;
      duration = ((last + frame) * scale) / 1e9;
    }
    return { hasVideo, hasAudio, duration };
  } finally {
    await handle.close();
  }
}
