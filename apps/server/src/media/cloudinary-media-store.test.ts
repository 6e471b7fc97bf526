import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import busboy from 'busboy';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCloudinaryMediaStore, parseCloudinaryUrl } from './cloudinary-media-store.ts';

const API_KEY = '123456789012345';
const API_SECRET = 'stand-in-secret-abc';
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

type Recorded = { path: string; fields: Record<string, string>; file: Buffer | null };

/**
 * A local stand-in for Cloudinary's upload API and delivery host: it checks every signature the
 * way Cloudinary documents it (sha1 of the sorted params + api_secret; URL signatures over the
 * path + api_secret) and keeps assets in memory.
 */
function startStandIn() {
  const assets = new Map<string, Buffer>();
  const requests: Recorded[] = [];
  let failNext: { status: number; body: string } | null = null;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const api = /^\/v1_1\/demo\/(image|video|raw)\/(upload|destroy)$/.exec(url.pathname);
    if (req.method === 'POST' && api) {
      const fields: Record<string, string> = {};
      let file: Buffer | null = null;
      const bb = busboy({ headers: req.headers });
      bb.on('field', (name, value) => {
        fields[name] = value;
      });
      bb.on('file', (_name, stream) => {
        void buffer(stream).then((b) => {
          file = b;
        });
      });
      bb.on('close', () => {
        setImmediate(() => {
          requests.push({ path: url.pathname, fields, file });
          if (failNext) {
            const f = failNext;
            failNext = null;
            res.writeHead(f.status, { 'content-type': 'application/json' }).end(f.body);
            return;
          }
          const signed = Object.keys(fields)
            .filter((k) => !['signature', 'api_key', 'file', 'resource_type', 'cloud_name'].includes(k))
            .sort()
            .map((k) => `${k}=${fields[k]}`)
            .join('&');
          if (fields.api_key !== API_KEY || fields.signature !== sha1(signed + API_SECRET))
            return json(401, { error: { message: 'Invalid Signature' } });
          const [, rt, action] = api;
          const key = `${rt}/${fields.public_id}`;
          if (action === 'destroy') return json(200, { result: assets.delete(key) ? 'ok' : 'not found' });
          if (!file) return json(400, { error: { message: 'Missing required parameter - file' } });
          if (!assets.has(key)) assets.set(key, file);
          return json(200, { public_id: fields.public_id, resource_type: rt, type: fields.type, bytes: file.length });
        });
      });
      req.pipe(bb);
      return;
    }
    const delivery = /^\/demo\/(image|video|raw)\/authenticated\/s--([\w-]{8})--\/(.+)$/.exec(url.pathname);
    if (req.method === 'GET' && delivery) {
      const [, rt, sig, rest] = delivery as unknown as [string, string, string, string];
      const publicId = rest.replace(/^v\d+\//, '');
      // Cloudinary signs the public id (without the version) plus the secret.
      const expected = createHash('sha1')
        .update(publicId + API_SECRET)
        .digest('base64url')
        .slice(0, 8);
      if (sig !== expected) return json(401, { error: { message: 'bad url signature' } });
      const asset = assets.get(`${rt}/${publicId}`);
      if (!asset) return json(404, { error: { message: 'not found' } });
      const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      if (m) {
        const [s, e] = [Number(m[1]), Number(m[2])];
        res.writeHead(206, { 'content-range': `bytes ${s}-${e}/${asset.length}` }).end(asset.subarray(s, e + 1));
      } else res.writeHead(200).end(asset);
      return;
    }
    json(404, { error: { message: 'unknown route' } });
  });
  return {
    server,
    assets,
    requests,
    failWith(status: number, body: string) {
      failNext = { status, body };
    },
  };
}

describe('cloudinary media store (real SDK against a local stand-in)', () => {
  const standIn = startStandIn();
  let tmpDir: string;
  let url: string;

  beforeAll(async () => {
    await new Promise<void>((r) => standIn.server.listen(0, '127.0.0.1', r));
    const port = (standIn.server.address() as AddressInfo).port;
    url = `cloudinary://${API_KEY}:${API_SECRET}@demo?upload_prefix=http://127.0.0.1:${port}&cname=127.0.0.1:${port}&secure=false`;
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-cld-'));
  });
  afterAll(() => {
    standIn.server.close();
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
