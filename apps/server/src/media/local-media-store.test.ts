import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalMediaStore } from './local-media-store.ts';

describe('local media store', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-media-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const bytes = Buffer.from('hello media store, some bytes to keep');
  const sha = createHash('sha256').update(bytes).digest('hex');

  it('stores content-addressed by sha256 and reads it back whole and by range', async () => {
    const store = createLocalMediaStore(root);
    const blob = await store.put(Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]));
    expect(blob).toEqual({ key: sha, size: bytes.length, sha256: sha });
    expect(fs.existsSync(path.join(root, 'blobs', sha.slice(0, 2), sha))).toBe(true);
    const whole = await store.get(blob.key);
    expect(whole && (await buffer(whole))).toEqual(bytes);
    const part = await store.get(blob.key, { start: 6, end: 10 });
    expect(part && (await buffer(part)).toString()).toBe('media');
  });

  it('deduplicates identical bytes and deletes idempotently', async () => {
    const store = createLocalMediaStore(root);
    const a = await store.put(Readable.from([bytes]));
    const b = await store.put(Readable.from([bytes]));
    expect(a.key).toBe(b.key);
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
    await store.delete(a.key);
    expect(await store.get(a.key)).toBeNull();
    await expect(store.delete(a.key)).resolves.toBeUndefined();
  });

  it('leaves nothing behind when the source stream fails mid-way', async () => {
    const store = createLocalMediaStore(root);
    const source = new PassThrough();
    const put = store.put(source);
    source.write(Buffer.alloc(64 * 1024, 1));
    setTimeout(() => source.destroy(new Error('client went away')), 10);
    await expect(put).rejects.toThrow('client went away');
    expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([]);
    expect(fs.readdirSync(path.join(root, 'blobs'))).toEqual([]);
  });

  it('refuses keys that are not its own digests (no path traversal)', async () => {
    const store = createLocalMediaStore(root);
    await expect(store.get('../../etc/passwd')).rejects.toThrow('invalid media key');
    await expect(store.delete('../x')).rejects.toThrow('invalid media key');
    expect(await store.get('0'.repeat(64))).toBeNull();
  });
});
