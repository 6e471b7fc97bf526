/** Real, tiny files generated for the media tests (no binary fixtures in the repo). */
import sharp from 'sharp';

export const makePng = (width = 64, height = 48) =>
  sharp({ create: { width, height, channels: 3, background: '#d04020' } })
    .png()
    .toBuffer();

/** A JPEG carrying camera EXIF and a GPS position, as a phone would write it. */
export const makeJpegWithGps = (width = 800, height = 600) =>
  sharp({ create: { width, height, channels: 3, background: '#2080d0' } })
    .jpeg()
    .withExif({
      IFD0: { Make: 'CharlaCam', Model: 'SecretModel 9000', Copyright: 'Alice' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '48/1 51/1 2400/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '2/1 21/1 300/100',
      },
    })
    .toBuffer();

const ebml = (id: string, payload: Buffer) =>
  Buffer.concat([Buffer.from(id, 'hex'), Buffer.from([0x80 | payload.length]), payload]);

/** EBML header with DocType "webm" + the start of a Segment. */
export const makeWebm = () =>
  Buffer.concat([
    ebml('1a45dfa3', Buffer.concat([ebml('4286', Buffer.from([1])), ebml('4282', Buffer.from('webm'))])),
    Buffer.from('1853806701000000000000', 'hex'),
    Buffer.alloc(2048, 0),
  ]);

/** EBML element with a 1-byte size when it fits, else 4 bytes; `unknown` writes the live-stream "unknown" size. */
const el = (id: string, payload: Buffer, unknown = false) => {
  const size = unknown
    ? Buffer.from('01ffffffffffffff', 'hex')
    : payload.length < 127
      ? Buffer.from([0x80 | payload.length])
      : Buffer.from([
          0x10 | (payload.length >>> 24),
          (payload.length >>> 16) & 0xff,
          (payload.length >>> 8) & 0xff,
          payload.length & 0xff,
        ]);
  return Buffer.concat([Buffer.from(id, 'hex'), size, payload]);
};
const u = (n: number, bytes = 4) => {
  const b = Buffer.alloc(bytes);
  b.writeUIntBE(n, 0, bytes);
  return b;
};

/**
 * A WebM as Chromium's MediaRecorder writes it for audio/webm;codecs=opus: a live stream (Segment and
 * Clusters of unknown size, no Duration in Info), one Opus track, 20 ms blocks, a new cluster every
 * ~5 s. With `video`, a second (video) track is declared as a camera recording would.
 */
export const makeWebmRecording = (seconds: number, options: { video?: boolean; infoDuration?: number } = {}) => {
  const track = (n: number, type: number, codec: string) =>
    el('ae', Buffer.concat([el('d7', u(n, 1)), el('83', u(type, 1)), el('86', Buffer.from(codec))]));
  const info = el(
    '1549a966',
    Buffer.concat([
      el('2ad7b1', u(1_000_000, 3)),
      ...(options.infoDuration !== undefined
        ? [
            el(
              '4489',
              (() => {
                const b = Buffer.alloc(8);
                b.writeDoubleBE(options.infoDuration);
                return b;
              })(),
            ),
          ]
        : []),
    ]),
  );
  const tracks = el(
    '1654ae6b',
    Buffer.concat([track(1, 2, 'A_OPUS'), ...(options.video ? [track(2, 1, 'V_VP8')] : [])]),
  );
  const clusters: Buffer[] = [];
  const frames = Math.round((seconds * 1000) / 20);
  for (let start = 0; start < frames; start += 250) {
    const blocks: Buffer[] = [el('e7', u(start * 20))];
    for (let f = start; f < Math.min(frames, start + 250); f++) {
      const rel = Buffer.alloc(2);
      rel.writeInt16BE((f - start) * 20);
      blocks.push(el('a3', Buffer.concat([Buffer.from([0x81]), rel, Buffer.from([0x80]), Buffer.alloc(40, 7)])));
    }
    clusters.push(el('1f43b675', Buffer.concat(blocks), true));
  }
  return Buffer.concat([
    el('1a45dfa3', Buffer.concat([el('4286', Buffer.from([1])), el('4282', Buffer.from('webm'))])),
    el('18538067', Buffer.concat([info, tracks, ...clusters]), true),
  ]);
};

const oggPage = (payload: Buffer, flags: number, granule: bigint) => {
  const header = Buffer.alloc(27);
  header.write('OggS', 0);
  header[5] = flags; // 2 = beginning of stream, 4 = end of stream
  header.writeBigInt64LE(granule, 6);
  header[26] = 1; // one segment
  return Buffer.concat([header, Buffer.from([payload.length]), payload]);
};

/**
 * A voice note's framing: an OpusHead page (pre-skip 312), filler, and a last page whose granule
 * position says `seconds` of 48 kHz audio.
 */
export const makeOggOpus = (seconds = 2.5) =>
  Buffer.concat([
    oggPage(Buffer.concat([Buffer.from('OpusHead'), Buffer.from([1, 1, 0x38, 1, 0x80, 0xbb, 0, 0, 0, 0, 0])]), 2, 0n),
    Buffer.alloc(4096, 3),
    oggPage(Buffer.alloc(32, 5), 4, BigInt(Math.round(seconds * 48_000)) + 312n),
  ]);

/** ID3v2 tag + an MPEG frame header. */
export const makeMp3 = () =>
  Buffer.concat([
    Buffer.from('ID3'),
    Buffer.from([3, 0, 0, 0, 0, 0, 10]),
    Buffer.alloc(10),
    Buffer.from('fffb9064', 'hex'),
    Buffer.alloc(1000),
  ]);

export const makePdf = () => Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

/** An ELF executable header (Linux binary). */
export const makeElf = () => Buffer.concat([Buffer.from('7f454c46020101', 'hex'), Buffer.alloc(256, 0x90)]);

/** A PE (Windows .exe) header. */
export const makePe = () =>
  Buffer.concat([
    Buffer.from('MZ'),
    Buffer.alloc(0x3a),
    Buffer.from([0x40, 0, 0, 0]),
    Buffer.from('PE\0\0'),
    Buffer.alloc(256),
  ]);

export const SVG_WITH_SCRIPT = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/api/v1/auth/me")</script><circle r="5"/></svg>',
);
export const HTML_PAGE = Buffer.from('<!doctype html><html><script>alert(document.cookie)</script></html>');

/** A hand-built multipart body, so file names can carry anything (control characters, ../). */
export function multipartBody(
  fileName: string,
  bytes: Buffer,
  options: { field?: string; contentType?: string } = {},
): { body: Buffer; contentType: string } {
  const boundary = `----charla${Math.random().toString(16).slice(2)}`;
  // Names with control characters go RFC 5987-encoded, as a client library would send them.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: detecting them is the point
  const nameParam = /[\u0000-\u001f\u007f]/.test(fileName)
    ? `filename*=UTF-8''${encodeURIComponent(fileName)}`
    : `filename="${fileName}"`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${options.field ?? 'file'}"; ${nameParam}\r\n` +
      `Content-Type: ${options.contentType ?? 'image/png'}\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { body: Buffer.concat([head, bytes, tail]), contentType: `multipart/form-data; boundary=${boundary}` };
}
