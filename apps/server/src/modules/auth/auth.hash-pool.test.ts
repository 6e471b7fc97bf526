import bcrypt from 'bcryptjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createHashPool, type HashPool } from './auth.hash-pool.ts';
import { createPasswordHasher } from './auth.password.ts';

const inline = {
  hash: (p: string, c: number) => bcrypt.hash(p, c),
  compare: (p: string, h: string) => bcrypt.compare(p, h),
};
const pools: HashPool[] = [];
const pool = (size: number, fallback = inline) => {
  const p = createHashPool(size, fallback);
  pools.push(p);
  return p;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('bcrypt worker pool', () => {
  it('hashes in a worker and the result verifies both ways with plain bcryptjs', async () => {
    const p = pool(1);
    const hash = await p.hash('correct horse battery', 4);
    expect(hash).toMatch(/^\$2[aby]\$04\$/);
    expect(await bcrypt.compare('correct horse battery', hash)).toBe(true);
    expect(await p.compare('correct horse battery', hash)).toBe(true);
    expect(await p.compare('correct horse batterY', hash)).toBe(false);
    const inlineHash = await bcrypt.hash('other', 4);
    expect(await p.compare('other', inlineHash)).toBe(true);
  });

  it('answers many concurrent jobs over several workers, each with its own result', async () => {
    const p = pool(2);
    const hashes = await Promise.all(Array.from({ length: 8 }, (_, i) => p.hash(`password-${i}`, 4)));
    const checks = await Promise.all(hashes.map((h, i) => p.compare(`password-${(i + i) % 8}`, h)));
    expect(checks).toEqual(hashes.map((_, i) => (i + i) % 8 === i));
  });

  it('treats a malformed hash as a mismatch, not a crash', async () => {
    const p = pool(1);
    expect(await p.compare('whatever', 'not-a-bcrypt-hash')).toBe(false);
    expect(await p.compare('whatever', '')).toBe(false);
  });

  it('rejects what bcrypt rejects (with its error) instead of hanging, and the worker survives', async () => {
    const p = pool(1);
    await expect(p.hash(42 as unknown as string, 4)).rejects.toThrow(/Illegal arguments/);
    expect(await p.compare('x', await p.hash('x', 4))).toBe(true);
  });

  it('falls back to the main thread once closed', async () => {
    let fallbacks = 0;
    const p = pool(1, {
      hash: (pw, c) => {
        fallbacks++;
        return bcrypt.hash(pw, c);
      },
      compare: inline.compare,
    });
    await p.close();
    const h = await p.hash('after close', 4);
    expect(fallbacks).toBe(1);
    expect(await bcrypt.compare('after close', h)).toBe(true);
  });

  it('is what createPasswordHasher uses when asked for workers (and verify/burn still work)', async () => {
    const hasher = createPasswordHasher(4, { workers: 1 });
    const h = await hasher.hash('a long passphrase');
    expect(await hasher.verify('a long passphrase', h)).toBe(true);
    expect(await hasher.verify('a long passphrasE', h)).toBe(false);
    await expect(hasher.burn('anything')).resolves.toBeUndefined();
  });
});
