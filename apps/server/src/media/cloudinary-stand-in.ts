/**
 * Test helper: a local stand-in for Cloudinary's upload API and delivery host (the real endpoint
 * cannot be reached here). It checks every signature the way Cloudinary documents it and keeps the
 * assets in memory. Point the SDK at it with
 * `cloudinary://KEY:SECRET@demo?upload_prefix=http://127.0.0.1:<port>&cname=127.0.0.1:<port>&secure=false`.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import busboy from 'busboy';

export const API_KEY = '123456789012345';
export const API_SECRET = 'stand-in-secret-abc';
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

type Recorded = { path: string; fields: Record<string, string>; file: Buffer | null };

/**
 * A local stand-in for Cloudinary's upload API and delivery host: it checks every signature the
 * way Cloudinary documents it (sha1 of the sorted params + api_secret; URL signatures over the
 * path + api_secret) and keeps assets in memory.
 */
export function createStandIn() {
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

/** Starts the stand-in on a free loopback port and returns it with a matching CLOUDINARY_URL. */
export async function startStandIn(): Promise<ReturnType<typeof createStandIn> & { url: string; close(): void }> {
  const standIn = createStandIn();
  await new Promise<void>((r) => standIn.server.listen(0, '127.0.0.1', r));
  const port = (standIn.server.address() as AddressInfo).port;
  return {
    ...standIn,
    url: `cloudinary://${API_KEY}:${API_SECRET}@demo?upload_prefix=http://127.0.0.1:${port}&cname=127.0.0.1:${port}&secure=false`,
    close: () => standIn.server.close(),
  };
}
