import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, type RegisteredUser, registerUser, startTestApp, type TestApp } from '../../../test/harness.ts';
import {
  HTML_PAGE,
  makeElf,
  makeJpegWithGps,
  makeMp3,
  makeOggOpus,
  makePdf,
  makePe,
  makePng,
  makeWebm,
  makeWebmRecording,
  multipartBody,
  SVG_WITH_SCRIPT,
} from './media.fixtures.ts';
import { local, upload, uploadOk } from './media.test-helpers.ts';
import { sanitizeFileName } from './media.upload.ts';

const LIMIT = 64 * 1024;

describe('POST /media: uploads, type sniffing, image processing, hostile files', () => {
  let t: TestApp;
  let alice: RegisteredUser;
  const blobsDir = () => path.join(t.dataDir, 'media', 'blobs');
  const tmpDir = () => path.join(t.dataDir, 'media', 'tmp');
  const countBlobs = () =>
    fs.existsSync(blobsDir())
      ? fs.readdirSync(blobsDir()).flatMap((d) => fs.readdirSync(path.join(blobsDir(), d))).length
      : 0;
  const fetchBytes = async (url: string) => {
    const res = await fetch(local(url, t.url));
    return { res, bytes: Buffer.from(await res.arrayBuffer()) };
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { MEDIA_MAX_BYTES: String(LIMIT) } });
    alice = await registerUser(t);
  });
  afterAll(() => t.close());

  it('sniffs a PNG, reports its size and makes a thumbnail', async () => {
    const png = await makePng(64, 48);
    const m = await uploadOk(t.api, alice.accessToken, 'red.png', png);
    expect(m).toMatchObject({ kind: 'image', mime: 'image/png', width: 64, height: 48, fileName: 'red.png' });
    expect(m.url).toMatch(/^http:\/\/charla\.test\/api\/v1\/media\/[\w-]+\?t=/);
    const thumb = await fetchBytes(m.thumbnailUrl ?? '');
    expect(thumb.res.status).toBe(200);
    expect(thumb.res.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(thumb.bytes).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.width).toBe(64);
  });

  it('strips EXIF and GPS from a JPEG (re-encoded) and thumbnails it to 320 px', async () => {
    const jpeg = await makeJpegWithGps(800, 600);
    const before = await sharp(jpeg).metadata();
    expect(before.exif?.includes(Buffer.from([0x25, 0x88]))).toBe(true); // GPS IFD pointer present
    expect(jpeg.includes(Buffer.from('SecretModel'))).toBe(true);

    const m = await uploadOk(t.api, alice.accessToken, 'holiday.jpg', jpeg);
    expect(m).toMatchObject({ kind: 'image', mime: 'image/jpeg', width: 800, height: 600 });
    const served = await fetchBytes(m.url);
    expect(served.res.status).toBe(200);
    const after = await sharp(served.bytes).metadata();
    expect(after.format).toBe('jpeg');
    expect(after.exif).toBeUndefined();
    expect(served.bytes.includes(Buffer.from('SecretModel'))).toBe(false);
    expect(served.bytes.includes(Buffer.from('CharlaCam'))).toBe(false);
    expect(m.size).toBe(served.bytes.length);
    const thumb = await sharp((await fetchBytes(m.thumbnailUrl ?? '')).bytes).metadata();
    expect([thumb.width, thumb.height]).toEqual([320, 240]);
  });

  it.each([
    ['clip.webm', 'video', 'video/webm', makeWebm],
    ['voice.ogg', 'audio', 'audio/ogg', makeOggOpus],
    ['song.mp3', 'audio', 'audio/mpeg', makeMp3],
    ['doc.pdf', 'file', 'application/pdf', makePdf],
  ] as const)('decides %s by its content: %s, %s', async (name, kind, mime, make) => {
    const m = await uploadOk(t.api, alice.accessToken, name, make());
    expect(m).toMatchObject({ kind, mime, width: null, height: null, thumbnailUrl: null });
  });

  it('reads a voice note’s duration from its last Ogg page', async () => {
    const m = await uploadOk(t.api, alice.accessToken, 'voice.opus', makeOggOpus(3.25));
    expect(m.duration).toBeCloseTo(3.25, 3);
  });

  it('takes a browser voice note (audio/webm;codecs=opus, live stream) as audio and reports its length', async () => {
    const m = await uploadOk(t.api, alice.accessToken, 'voice-note.webm', makeWebmRecording(3.5), {
      contentType: 'audio/webm;codecs=opus',
    });
    expect(m).toMatchObject({ kind: 'audio', mime: 'audio/webm', thumbnailUrl: null });
    expect(m.duration).toBeCloseTo(3.5, 2);
    const served = await fetchBytes(m.url);
    expect(served.res.headers.get('content-type')).toBe('audio/webm');
    expect(served.res.headers.get('content-disposition')).toMatch(/^inline;/);
    // The same container with a video track stays a video, with its length too.
    const clip = await uploadOk(t.api, alice.accessToken, 'camera.webm', makeWebmRecording(2, { video: true }));
    expect(clip).toMatchObject({ kind: 'video', mime: 'video/webm' });
    expect(clip.duration).toBeCloseTo(2, 2);
  });

  it('ignores the name and the claimed type: an ELF and a PE renamed .png are opaque downloads', async () => {
    for (const exe of [makeElf(), makePe()]) {
      const r = await upload(t.api, alice.accessToken, 'cute-cat.png', exe, { contentType: 'image/png' });
      expect(r.status).toBe(201);
      expect(r.body.data).toMatchObject({ kind: 'file', mime: 'application/octet-stream', thumbnailUrl: null });
      const served = await fetchBytes(r.body.data?.url ?? '');
      expect(served.res.headers.get('content-type')).toBe('application/octet-stream');
      expect(served.res.headers.get('content-disposition')).toMatch(/^attachment;/);
    }
  });

  it('never serves SVG or HTML inline: attachment, octet-stream, nosniff, sandboxed CSP', async () => {
    for (const [name, bytes] of [
      ['evil.svg', SVG_WITH_SCRIPT],
      ['page.html', HTML_PAGE],
    ] as const) {
      const m = await uploadOk(t.api, alice.accessToken, name, bytes);
      expect(m).toMatchObject({ kind: 'file', mime: 'application/octet-stream' });
      const { res } = await fetchBytes(m.url);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${name}"; filename*=UTF-8''${name}`);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
    }
  });

  it('refuses an image whose magic bytes are right but which does not decode (400)', async () => {
    const real = await makeJpegWithGps(64, 64);
    const r = await upload(
      t.api,
      alice.accessToken,
      'broken.jpg',
      Buffer.concat([real.subarray(0, 4), Buffer.alloc(300, 0xee)]),
    );
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('validation_failed');
    // A PNG signature followed by garbage is not a PNG at all: an opaque file, never an image.
    const png = await makePng(64, 64);
    const junk = await uploadOk(
      t.api,
      alice.accessToken,
      'junk.png',
      Buffer.concat([png.subarray(0, 33), Buffer.alloc(200, 0xee)]),
    );
    expect(junk).toMatchObject({ kind: 'file', mime: 'application/octet-stream' });
  });

  it('refuses an empty file, a missing file part and a non-multipart body', async () => {
    const empty = await upload(t.api, alice.accessToken, 'empty.png', Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect(empty.body.message).toMatch(/empty/i);

    const { body, contentType } = multipartBody('x.png', Buffer.from('hi'), { field: 'other' });
    const noFile = await fetch(`${t.api}/media`, {
      method: 'POST',
      headers: { ...authHeader(alice.accessToken), 'content-type': contentType },
      body,
    });
    expect(noFile.status).toBe(400);

    const json = await fetch(`${t.api}/media`, {
      method: 'POST',
      headers: { ...authHeader(alice.accessToken), 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(415);
    expect(((await json.json()) as { code: string }).code).toBe('unsupported_media_type');

    const anonymous = await fetch(`${t.api}/media`, { method: 'POST', body });
    expect(anonymous.status).toBe(401);
  });

  it('answers 413 over MEDIA_MAX_BYTES and leaves no partial file', async () => {
    const blobs = countBlobs();
    const r = await upload(t.api, alice.accessToken, 'big.bin', Buffer.alloc(LIMIT + 10_000, 1));
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ error: true, code: 'payload_too_large' });
    await new Promise((res) => setTimeout(res, 100));
    expect(fs.readdirSync(tmpDir())).toEqual([]);
    expect(countBlobs()).toBe(blobs);
  });

  it('neutralises path traversal and control characters in file names', async () => {
    const m = await uploadOk(t.api, alice.accessToken, '../../../etc/pass\u0007wd\r\n\u202Egnp.exe', makePdf());
    expect(m.fileName).toBe('passwdgnp.exe');
    const { res } = await fetch(local(m.url, t.url)).then((r) => ({ res: r }));
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="passwdgnp.exe"; filename*=UTF-8''passwdgnp.exe`,
    );
    const win = await uploadOk(t.api, alice.accessToken, '..\\..\\boot.ini', makePdf());
    expect(win.fileName).toBe('boot.ini');
    // Nothing was written outside the media directory.
    expect(fs.existsSync(path.join(t.dataDir, 'etc'))).toBe(false);
    expect(sanitizeFileName('a\r\nb\u0000c.txt')).toBe('abc.txt');
    expect(sanitizeFileName('...')).toBe('file');
    expect(sanitizeFileName(undefined)).toBe('file');
    expect(sanitizeFileName('x'.repeat(500))).toHaveLength(200);
    // Long names keep their extension, and a long run of spaces or dots costs no more than its length.
    expect(sanitizeFileName(`${'r'.repeat(300)}.pdf`)).toBe(`${'r'.repeat(196)}.pdf`);
    expect(sanitizeFileName(`a${' '.repeat(100_000)}b.txt`)).toBe(`a${' '.repeat(195)}.txt`);
    expect(sanitizeFileName(` ${'.'.repeat(100_000)} `)).toBe('file');
    expect(sanitizeFileName('dir/ .hidden. ')).toBe('hidden');
    // Zero-width and other invisible characters go too, as in names (issue 21 #11).
    expect(sanitizeFileName('in\u200Bvoice\u2060.pdf')).toBe('invoice.pdf');
    expect(sanitizeFileName('\u200B\uFEFF.pdf')).toBe('pdf');
  });

  it('an upload interrupted mid-stream stores nothing and the previous one is still served whole', async () => {
    const first = await uploadOk(t.api, alice.accessToken, 'ok.png', await makePng(10, 10));
    const blobs = countBlobs();
    const { body, contentType } = multipartBody('cut.bin', Buffer.alloc(40_000, 9));
    const url = new URL(`${t.api}/media`);
    await new Promise<void>((resolve) => {
      const req = http.request({
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { ...authHeader(alice.accessToken), 'content-type': contentType, 'content-length': body.length },
      });
      req.on('error', () => resolve());
      req.write(body.subarray(0, 20_000), () => {
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 50);
      });
    });
    await new Promise((res) => setTimeout(res, 200));
    expect(fs.readdirSync(tmpDir())).toEqual([]);
    expect(countBlobs()).toBe(blobs);
    const { res, bytes } = await fetchBytes(first.url);
    expect(res.status).toBe(200);
    expect((await sharp(bytes).metadata()).width).toBe(10);
  });
});
