import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { v2 as cloudinary } from 'cloudinary';
import type { ByteRange, MediaStore } from '../storage/ports.ts';
import { currentSpaceId, isHomeSpace } from '../storage/spaces/space-scope.ts';
import { hashingCounter } from './local-media-store.ts';

type ResourceType = 'image' | 'video' | 'raw';

/** SDK options parsed from CLOUDINARY_URL; passed on every call so no global SDK config is mutated. */
export type CloudinaryOptions = {
  cloud_name: string;
  api_key: string;
  api_secret: string;
  /** Any query parameter of CLOUDINARY_URL, as the SDK itself reads them (e.g. upload_prefix). */
  [option: string]: string | boolean;
};

/** `cloudinary://key:secret@cloud?upload_prefix=...` -> SDK options (throws naming what is missing). */
export function parseCloudinaryUrl(raw: string): CloudinaryOptions {
  const url = new URL(raw);
  if (url.protocol !== 'cloudinary:') throw new Error('CLOUDINARY_URL must start with cloudinary://');
  const options: CloudinaryOptions = {
    cloud_name: url.hostname,
    api_key: decodeURIComponent(url.username),
    api_secret: decodeURIComponent(url.password),
  };
  if (!options.cloud_name || !options.api_key || !options.api_secret)
    throw new Error('CLOUDINARY_URL needs cloudinary://<api_key>:<api_secret>@<cloud_name>');
  for (const [k, v] of url.searchParams) options[k] = v === 'true' ? true : v === 'false' ? false : v;
  return options;
}

const resourceTypeFor = (mime: string | undefined): ResourceType => {
  if (mime && /^image\/(jpeg|png|webp|gif)$/.test(mime)) return 'image';
  // Cloudinary files audio under the video resource type.
  if (mime && /^(video|audio)\//.test(mime)) return 'video';
  return 'raw';
};

/** The SDK rejects with plain objects ({ message, http_code }); turn them into Errors. */
const sdkError = (what: string, err: unknown): Error => {
  const e = (err ?? {}) as { message?: unknown; http_code?: unknown };
  const status = typeof e.http_code === 'number' ? ` (HTTP ${e.http_code})` : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  return Object.assign(new Error(`Cloudinary ${what} failed${status}: ${message}`), {
    httpCode: typeof e.http_code === 'number' ? e.http_code : undefined,
  });
};

/** Drops bytes outside [start, end] when an origin ignores the Range header. */
function slice(range: ByteRange): Transform {
  let pos = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const from = Math.max(range.start - pos, 0);
      const to = Math.min(range.end + 1 - pos, chunk.length);
      pos += chunk.length;
      cb(null, from < to ? chunk.subarray(from, to) : undefined);
    },
  });
}

/**
 * Blobs on Cloudinary as "authenticated" assets (not publicly readable; fetched with signed URLs).
 * Content-addressed: public id `charla/<sha256>`, so the bytes are spooled to a temp file while
 * hashing, then uploaded from it. Key: `<resource_type>/<public_id>`.
 */
export function createCloudinaryMediaStore(options: { url: string; tmpDir: string }): MediaStore {
  const sdk = parseCloudinaryUrl(options.url);
  fs.mkdirSync(options.tmpDir, { recursive: true });
  // The SDK chooses http/https once, when first loaded; a matching agent makes an http:// upload
  // prefix (a regional gateway, or a local stand-in) work whatever the load order.
  const agent =
    typeof sdk.upload_prefix === 'string' && sdk.upload_prefix.startsWith('http:') ? new http.Agent() : undefined;
  const parseKey = (key: string): { resourceType: ResourceType; publicId: string } => {
    const m = /^(image|video|raw)\/(charla\/(?:spaces\/[A-Za-z0-9_-]{1,64}\/)?[0-9a-f]{64})$/.exec(key);
    if (!m) throw new Error('invalid media key');
    return { resourceType: m[1] as ResourceType, publicId: m[2] as string };
  };

  return {
    kind: 'cloudinary',
    async put(source, hint) {
      const temp = path.join(options.tmpDir, `${randomUUID()}.part`);
      const counter = hashingCounter();
      try {
        await pipeline(source, counter, fs.createWriteStream(temp, { flags: 'wx', mode: 0o600 }));
        const { size, sha256 } = counter.digest();
        const resourceType = resourceTypeFor(hint?.mime);
        // A space's blobs are its own (deleting a space never touches another's identical bytes).
        const spaceId = currentSpaceId();
        const publicId = isHomeSpace(spaceId) ? `charla/${sha256}` : `charla/spaces/${spaceId}/${sha256}`;
        try {
          await cloudinary.uploader.upload(temp, {
            ...sdk,
            ...(agent ? { agent } : {}),
            public_id: publicId,
            resource_type: resourceType,
            type: 'authenticated',
            // Same bytes already there: keep them (identical by construction).
            overwrite: false,
          });
        } catch (err) {
          throw sdkError('upload', err);
        }
        return { key: `${resourceType}/${publicId}`, size, sha256 };
      } finally {
        await fs.promises.rm(temp, { force: true });
      }
    },
    async get(key, range) {
      const { resourceType, publicId } = parseKey(key);
      const url = cloudinary.url(publicId, {
        ...sdk,
        resource_type: resourceType,
        type: 'authenticated',
        sign_url: true,
        secure: sdk.secure ?? true,
      });
      const res = await fetch(url, range ? { headers: { Range: `bytes=${range.start}-${range.end}` } } : {});
      if (res.status === 404) return null;
      if (!res.ok || !res.body) throw new Error(`Cloudinary download failed (HTTP ${res.status})`);
      const body = Readable.fromWeb(res.body as import('node:stream/web').ReadableStream);
      return range && res.status === 200 ? body.pipe(slice(range)) : body;
    },
    async delete(key) {
      const { resourceType, publicId } = parseKey(key);
      let result: { result?: unknown };
      try {
        result = await cloudinary.uploader.destroy(publicId, {
          ...sdk,
          ...(agent ? { agent } : {}),
          resource_type: resourceType,
          type: 'authenticated',
          invalidate: true,
        });
      } catch (err) {
        throw sdkError('delete', err);
      }
      // "not found" is fine: deleting is idempotent.
      if (result.result !== 'ok' && result.result !== 'not found')
        throw new Error(`Cloudinary delete failed: ${String(result.result)}`);
    },
  };
}
