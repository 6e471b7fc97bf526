import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCloudinaryMediaStore, parseCloudinaryUrl } from './cloudinary-media-store.ts';
import { API_KEY, API_SECRET, startStandIn } from './cloudinary-stand-in.ts';

describe('cloudinary media store (real SDK against a local stand-in)', () => {
  let standIn: Awaited<ReturnType<typeof startStandIn>>;
  let tmpDir: string;
  let url: string;

  beforeAll(async () => {
    standIn = await startStandIn();
    url = standIn.url;
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-cld-'));
  });
  afterAll(() => {
    standIn.close();
    fs.rmSync(tmpDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    standIn.requests.length = 0;
  });

  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(300, 7)]);

  it('parses CLOUDINARY_URL and refuses an incomplete one', () => {
    expect(
      parseCloudinaryUrl('cloudinary://k:s@cloud?secure=false&upload_prefix=https://api-eu.cloudinary.com'),
    ).toEqual({
      cloud_name: 'cloud',
      api_key: 'k',
      api_secret: 's',
      secure: false,
      upload_prefix: 'https://api-eu.cloudinary.com',
    });
    expect(() => parseCloudinaryUrl('cloudinary://cloud')).toThrow(/api_key/);
  });

  it('uploads with a valid signed request, content-addressed, and reads back with signed URLs', async () => {
    const store = createCloudinaryMediaStore({ url, tmpDir });
    const sha = createHash('sha256').update(png).digest('hex');
    const blob = await store.put(Readable.from([png]), { mime: 'image/png' });
    expect(blob).toEqual({ key: `image/charla/${sha}`, size: png.length, sha256: sha });

    const [upload] = standIn.requests;
    expect(upload?.path).toBe('/v1_1/demo/image/upload');
    expect(upload?.fields).toMatchObject({
      api_key: API_KEY,
      public_id: `charla/${sha}`,
      type: 'authenticated',
      // The SDK sends booleans as 0/1.
      overwrite: '0',
    });
    expect(upload?.fields.signature).toMatch(/^[0-9a-f]{40}$/);
    expect(Number(upload?.fields.timestamp)).toBeGreaterThan(1_600_000_000);
    expect(upload?.file).toEqual(png);
    expect(fs.readdirSync(tmpDir)).toEqual([]);

    const whole = await store.get(blob.key);
    expect(whole && (await buffer(whole))).toEqual(png);
    const part = await store.get(blob.key, { start: 1, end: 3 });
    expect(part && (await buffer(part)).toString()).toBe('PNG');
  });

  it('picks the resource type from the mime (audio/video -> video, others -> raw)', async () => {
    const store = createCloudinaryMediaStore({ url, tmpDir });
    const a = await store.put(Readable.from([Buffer.from('OggS audio-ish')]), { mime: 'audio/ogg' });
    const b = await store.put(Readable.from([Buffer.from('%PDF-1.4 doc')]), { mime: 'application/pdf' });
    expect(a.key.startsWith('video/charla/')).toBe(true);
    expect(b.key.startsWith('raw/charla/')).toBe(true);
  });

  it('deletes the remote asset with a signed destroy call; a second delete is harmless', async () => {
    const store = createCloudinaryMediaStore({ url, tmpDir });
    const blob = await store.put(Readable.from([Buffer.from('delete me')]), { mime: 'application/octet-stream' });
    expect(standIn.assets.has(blob.key)).toBe(true);
    await store.delete(blob.key);
    expect(standIn.assets.has(blob.key)).toBe(false);
    const destroy = standIn.requests.at(-1);
    expect(destroy?.path).toBe('/v1_1/demo/raw/destroy');
    expect(destroy?.fields).toMatchObject({ public_id: blob.key.slice(4), type: 'authenticated', invalidate: 'true' });
    await expect(store.delete(blob.key)).resolves.toBeUndefined();
    expect(await store.get(blob.key)).toBeNull();
  });

  it('reports a wrong secret as an error (the stand-in rejects the signature)', async () => {
    const bad = createCloudinaryMediaStore({ url: url.replace(API_SECRET, 'wrong-secret'), tmpDir });
    await expect(bad.put(Readable.from([Buffer.from('x')]))).rejects.toThrow(/Invalid Signature.*|HTTP 401/);
    expect(fs.readdirSync(tmpDir)).toEqual([]);
  });

  it('surfaces API error responses and non-JSON failures as errors', async () => {
    const store = createCloudinaryMediaStore({ url, tmpDir });
    standIn.failWith(420, JSON.stringify({ error: { message: 'Rate Limit Exceeded' } }));
    await expect(store.put(Readable.from([Buffer.from('y')]))).rejects.toThrow(/Rate Limit Exceeded/);
    standIn.failWith(502, '<html>bad gateway</html>');
    await expect(store.put(Readable.from([Buffer.from('z')]))).rejects.toThrow(/Cloudinary upload failed/);
    standIn.failWith(500, JSON.stringify({ error: { message: 'boom' } }));
    await expect(store.delete(`raw/charla/${'a'.repeat(64)}`)).rejects.toThrow(/delete failed.*boom/);
    expect(fs.readdirSync(tmpDir)).toEqual([]);
  });

  it('refuses keys it did not issue', async () => {
    const store = createCloudinaryMediaStore({ url, tmpDir });
    await expect(store.get('image/../../secret')).rejects.toThrow('invalid media key');
  });
});
