import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import webpush from 'web-push';
import { loadConfig } from '../../config.ts';
import { resolveVapidKeys, vapidSubject } from './push.keys.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-vapid-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('VAPID configuration', () => {
  it('generates a key pair into DATA_DIR on first start (0600) and keeps it', () => {
    const dataDir = tempDir();
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = resolveVapidKeys(config);
    expect(first.source).toBe('generated');
    expect(first.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    expect(first.privateKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = path.join(dataDir, 'vapid.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const again = resolveVapidKeys(config);
    expect(again).toMatchObject({ publicKey: first.publicKey, privateKey: first.privateKey, source: 'file' });
  });

  it('uses VAPID_* when set, and refuses half a pair or malformed keys', () => {
    const pair = webpush.generateVAPIDKeys();
    const config = loadConfig({
      DATA_DIR: tempDir(),
      VAPID_PUBLIC_KEY: pair.publicKey,
      VAPID_PRIVATE_KEY: pair.privateKey,
      VAPID_SUBJECT: 'https://chat.example.com',
    });
    expect(resolveVapidKeys(config)).toEqual({ ...pair, subject: 'https://chat.example.com', source: 'env' });
    expect(fs.existsSync(path.join(config.dataDir, 'vapid.json'))).toBe(false);
    expect(() => loadConfig({ VAPID_PUBLIC_KEY: pair.publicKey })).toThrow(/VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY/);
    expect(() => loadConfig({ VAPID_PUBLIC_KEY: 'abc', VAPID_PRIVATE_KEY: pair.privateKey })).toThrow(
      /VAPID_PUBLIC_KEY/,
    );
    expect(() => loadConfig({ VAPID_SUBJECT: 'http://chat.example.com' })).toThrow(/VAPID_SUBJECT/);
  });

  it('a damaged vapid.json stops the start rather than silently ending every subscription', () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'vapid.json'), '{"publicKey":"x"}');
    expect(() => resolveVapidKeys(loadConfig({ DATA_DIR: dataDir }))).toThrow(/not a VAPID key pair/);
  });

  it('the subject defaults to the MAIL_FROM address', () => {
    expect(vapidSubject(loadConfig({ MAIL_FROM: 'Charla <ops@chat.example.com>' }))).toBe(
      'mailto:ops@chat.example.com',
    );
    expect(vapidSubject(loadConfig({}))).toBe('mailto:no-reply@charla.local');
    expect(vapidSubject(loadConfig({ MAIL_FROM: 'nobody' }))).toBe('mailto:no-reply@charla.local');
  });

  it('the private-host escape hatch works only under NODE_ENV=test', () => {
    expect(loadConfig({ CHARLA_PUSH_ALLOW_PRIVATE_HOSTS: '1' }).pushAllowPrivateHosts).toBe(false);
    expect(loadConfig({ CHARLA_PUSH_ALLOW_PRIVATE_HOSTS: '1', NODE_ENV: 'test' }).pushAllowPrivateHosts).toBe(true);
  });
});
