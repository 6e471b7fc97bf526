import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../app-context.ts';
import { deviceFromUserAgent } from './auth.device.ts';
import { createPasswordHasher, isCommonPassword } from './auth.password.ts';
import { usernameFromEmail } from './auth.service.ts';
import { createMemoryLoginThrottle, lockSeconds, MAX_LOCK_SECONDS } from './auth.throttle.ts';
import { createAccessTokens, hashToken, newOpaqueToken, resolveJwtSecret } from './auth.tokens.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-auth-unit-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('JWT secret', () => {
  it('generates 48 random bytes into DATA_DIR/jwt-secret (0600) once and reuses them', () => {
    const dir = tempDir();
    const first = resolveJwtSecret(undefined, dir);
    const file = path.join(dir, 'jwt-secret');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8').trim()).toHaveLength(64); // 48 bytes in base64url
    expect(Buffer.from(resolveJwtSecret(undefined, dir)).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(resolveJwtSecret(undefined, tempDir())).equals(Buffer.from(first))).toBe(false);
  });

  it('uses JWT_SECRET when set and writes nothing', () => {
    const dir = tempDir();
    const secret = resolveJwtSecret('s'.repeat(40), dir);
    expect(new TextDecoder().decode(secret)).toBe('s'.repeat(40));
    expect(fs.existsSync(path.join(dir, 'jwt-secret'))).toBe(false);
  });

  it('signs HS256 tokens with sub, sid and a unique jti; another secret cannot verify them', async () => {
    const tokens = createAccessTokens(resolveJwtSecret(undefined, tempDir()), 900, systemClock);
    const a = await tokens.sign({ userId: 'u1', sessionId: 's1', role: 'user' });
    const b = await tokens.sign({ userId: 'u1', sessionId: 's1', role: 'user' });
    const payload = JSON.parse(Buffer.from(a.token.split('.')[1] ?? '', 'base64url').toString());
    expect(payload).toMatchObject({ sub: 'u1', sid: 's1', role: 'user' });
    expect(payload.exp - payload.iat).toBe(900);
    expect(JSON.parse(Buffer.from(b.token.split('.')[1] ?? '', 'base64url').toString()).jti).not.toBe(payload.jti);
    expect(JSON.parse(Buffer.from(a.token.split('.')[0] ?? '', 'base64url').toString()).alg).toBe('HS256');
    await expect(tokens.verify(a.token)).resolves.toEqual({ userId: 'u1', sessionId: 's1', role: 'user' });
    const other = createAccessTokens(resolveJwtSecret(undefined, tempDir()), 900, systemClock);
    await expect(other.verify(a.token)).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('makes 256-bit opaque tokens and stores only their SHA-256', () => {
    const t = newOpaqueToken();
    expect(Buffer.from(t, 'base64url')).toHaveLength(32);
    expect(hashToken(t)).not.toContain(t);
    expect(hashToken(t)).toBe(hashToken(t));
  });
});

describe('passwords', () => {
  it('knows common passwords case-insensitively, and not a decent one', () => {
    expect(isCommonPassword('password')).toBe(true);
    expect(isCommonPassword('PassWord123')).toBe(true);
    expect(isCommonPassword('qwertyuiop')).toBe(true);
    expect(isCommonPassword('11111111')).toBe(true);
    expect(isCommonPassword('correct horse battery staple')).toBe(false);
    const list = fs.readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8');
    expect(Buffer.byteLength(list)).toBeLessThan(100_000);
    expect(list.split('\n').length).toBeGreaterThan(2000);
  });

  it('hashes with bcrypt at the configured cost and verifies', async () => {
    const hasher = createPasswordHasher(4);
    const hash = await hasher.hash('some long passphrase');
    expect(hash).toMatch(/^\$2[aby]\$04\$/);
    expect(await hasher.verify('some long passphrase', hash)).toBe(true);
    expect(await hasher.verify('some long passphrasE', hash)).toBe(false);
    await expect(hasher.burn('anything')).resolves.toBeUndefined();
  });
});

describe('login throttle', () => {
  it('backs off exponentially after 5 failures, capped at 15 minutes', () => {
    expect([1, 4, 5, 6, 7, 10].map(lockSeconds)).toEqual([0, 0, 1, 2, 4, 32]);
    expect(lockSeconds(40)).toBe(MAX_LOCK_SECONDS);
  });

  it('bounds memory under many distinct logins', async () => {
    const throttle = createMemoryLoginThrottle(systemClock, 3);
    for (const k of ['a', 'b', 'c', 'd']) for (let i = 0; i < 5; i++) await throttle.fail(k);
    expect(await throttle.retryAfter('a')).toBe(0); // evicted
    expect(await throttle.retryAfter('d')).toBe(1);
  });
});

describe('helpers', () => {
  it('derives usernames from emails', () => {
    expect(usernameFromEmail('jane.doe+x@mail.com')).toBe('jane.doe_x');
    expect(usernameFromEmail('a@b.c')).toBe('auser');
    expect(usernameFromEmail('émile@x.fr')).toBe('_mile');
    expect(usernameFromEmail(`${'x'.repeat(60)}@x.io`)).toHaveLength(24);
  });

  it('names devices from user agents', () => {
    const ff = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0';
    expect(deviceFromUserAgent(ff, 'web')).toEqual({ name: 'Firefox on Windows', platform: 'web' });
    const electron = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Chrome/140 Electron/38.0 Safari/537.36';
    expect(deviceFromUserAgent(electron, 'other')).toEqual({ name: 'Charla desktop on macOS', platform: 'macos' });
    expect(deviceFromUserAgent(null, 'other')).toEqual({ name: 'Unknown device', platform: 'other' });
    expect(deviceFromUserAgent('curl/8.5.0', 'web')).toEqual({ name: 'curl', platform: 'web' });
  });
});
