// @vitest-environment node
/**
 * keytar for real against the Secret Service (gnome-keyring in a D-Bus session). Run locally with:
 * dbus-run-session -- sh -c 'export XDG_DATA_HOME=$(mktemp -d); eval "$(printf pw | gnome-keyring-daemon --unlock --components=secrets)"; npx vitest run --project desktop electron'
 */
import { createRequire } from 'node:module';
import { describeIf } from '@charla/test-utils';
import { afterAll, expect, it } from 'vitest';
import { createSecretStore, KEYCHAIN_SERVICE, type KeytarLike, secretAccount } from './secrets.ts';

const require = createRequire(import.meta.url);
const REASON = 'no Secret Service (run inside dbus-run-session with gnome-keyring)';

async function probe(): Promise<KeytarLike | null> {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) return null;
  let keytar: KeytarLike;
  try {
    keytar = require('keytar') as KeytarLike;
  } catch {
    return null;
  }
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000).unref());
  const attempt = keytar
    .setPassword(KEYCHAIN_SERVICE, '__charla_probe__', 'probe')
    .then(() => keytar.deletePassword(KEYCHAIN_SERVICE, '__charla_probe__'))
    .then(() => keytar)
    .catch(() => null);
  return Promise.race([attempt, timeout]);
}

const keytar = await probe();
const account = secretAccount('http://localhost:4000', `vitest-${process.pid}`);

describeIf(keytar !== null, REASON, 'keytar against the real Secret Service', () => {
  const k = keytar as KeytarLike;
  afterAll(async () => {
    await k.deletePassword(KEYCHAIN_SERVICE, account).catch(() => undefined);
  });

  it('stores, reads and deletes a secret in the OS keychain', async () => {
    await k.setPassword(KEYCHAIN_SERVICE, account, 'secret-1');
    expect(await k.getPassword(KEYCHAIN_SERVICE, account)).toBe('secret-1');
    await k.setPassword(KEYCHAIN_SERVICE, account, 'secret-2');
    expect(await k.getPassword(KEYCHAIN_SERVICE, account)).toBe('secret-2');
    expect(await k.deletePassword(KEYCHAIN_SERVICE, account)).toBe(true);
    expect(await k.getPassword(KEYCHAIN_SERVICE, account)).toBeNull();
  });

  it('the secret store picks the keychain first and logout removes the entry', async () => {
    const blobs = new Map<string, unknown>();
    const secrets = await createSecretStore({
      loadKeytar: async () => k,
      safeStorage: null,
      store: { get: (key) => blobs.get(key), set: (key, v) => blobs.set(key, v), delete: (key) => blobs.delete(key) },
      platform: 'linux',
    });
    expect(secrets.info()).toEqual({ kind: 'keychain', persistent: true });
    await secrets.set(account, 'refresh-token-xyz');
    // Readable by a fresh keytar call, i.e. it really is in the Secret Service, not in memory.
    expect(await k.getPassword(KEYCHAIN_SERVICE, account)).toBe('refresh-token-xyz');
    expect(blobs.size).toBe(0);
    await secrets.delete(account);
    expect(await k.getPassword(KEYCHAIN_SERVICE, account)).toBeNull();
  });
});
