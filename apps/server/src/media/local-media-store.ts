import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { MediaStore, StoredBlob } from '../storage/ports.ts';
import { currentSpaceId, isHomeSpace } from '../storage/spaces/space-scope.ts';

/** `<sha256>` in the home space, `<spaceId>/<sha256>` in another: a space's blobs are its own. */
const KEY = /^(?:[A-Za-z0-9_-]{1,64}\/)?[0-9a-f]{64}$/;

/** Counts and hashes bytes as they pass, so nothing is read twice. */
export function hashingCounter(): Transform & { digest(): { size: number; sha256: string } } {
  const hash = createHash('sha256');
  let size = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  return Object.assign(t, { digest: () => ({ size, sha256: hash.digest('hex') }) });
}

/**
 * Blobs under `<root>/blobs/<first two hex>/<sha256>`. Writes go to `<root>/tmp` first and are
 * renamed into place only when complete (rename is atomic on one file system), so a reader can
 * never see a half-written blob and an aborted upload leaves only a temp file, which is removed.
 */
export function createLocalMediaStore(root: string): MediaStore & { readonly root: string } {
  const blobs = path.join(root, 'blobs');
  const tmp = path.join(root, 'tmp');
  fs.mkdirSync(blobs, { recursive: true });
  fs.mkdirSync(tmp, { recursive: true });
  const blobPath = (key: string) => {
    const [space, sha] = key.includes('/') ? (key.split('/') as [string, string]) : [null, key];
    return space ? path.join(blobs, 'spaces', space, sha.slice(0, 2), sha) : path.join(blobs, sha.slice(0, 2), sha);
  };
  const checkKey = (key: string) => {
    // Keys reach the file system: only our own hex digests, never a path.
    if (!KEY.test(key)) throw new Error('invalid media key');
  };

  return {
    kind: 'local',
    root,
    async put(source: Readable): Promise<StoredBlob> {
      const temp = path.join(tmp, `${randomUUID()}.part`);
      const counter = hashingCounter();
      try {
        await pipeline(source, counter, fs.createWriteStream(temp, { flags: 'wx', mode: 0o600 }));
        const { size, sha256 } = counter.digest();
        const spaceId = currentSpaceId();
        const key = isHomeSpace(spaceId) ? sha256 : `${spaceId}/${sha256}`;
        checkKey(key);
        const final = blobPath(key);
        await fs.promises.mkdir(path.dirname(final), { recursive: true });
        // Same bytes already stored: keep the existing blob (identical by construction).
        if (fs.existsSync(final)) await fs.promises.rm(temp, { force: true });
        else await fs.promises.rename(temp, final);
        return { key, size, sha256 };
      } catch (err) {
        await fs.promises.rm(temp, { force: true });
        throw err;
      }
    },
    async get(key, range) {
      checkKey(key);
      let handle: fs.promises.FileHandle;
      try {
        handle = await fs.promises.open(blobPath(key), 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
      return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    },
    async delete(key) {
      checkKey(key);
      await fs.promises.rm(blobPath(key), { force: true });
    },
  };
}
