// @vitest-environment node
import { describe, expect, it, vi } from 'vitest';
import {
  chainedStore,
  createSecretStore,
  KEYCHAIN_SERVICE,
  type KeytarLike,
  type KeyValueStore,
  memoryBackend,
  type SafeStorageLike,
  secretAccount,
} from './secrets.ts';

const SECRET = 'refresh-token-0123456789abcdef';
const ACCOUNT = secretAccount('https://chat.example.com', 'user-1');

function fakeKeytar(options: { broken?: boolean } = {}) {
  const entries = new Map<string, string>();
  const keytar: KeytarLike = {
    getPassword: vi.fn(async (service, account) => {
      if (options.broken) throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
      return entries.get(`${service}/${account}`) ?? null;
    }),
    setPassword: vi.fn(async (service, account, password) => {
      if (options.broken) throw new Error('no keychain');
      entries.set(`${service}/${account}`, password);
    }),
    deletePassword: vi.fn(async (service, account) => entries.delete(`${service}/${account}`)),
  };
  return { keytar, entries };
}

/** Reversible but not plaintext: enough to check the blob never holds the secret in clear. */
function fakeSafeStorage(backend: string, available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    encryptString: (plain) => Buffer.from(`enc:${Buffer.from(plain).toString('hex')}`),
    decryptString: (buf) => Buffer.from(buf.toString().replace(/^enc:/, ''), 'hex').toString(),
    getSelectedStorageBackend: () => backend,
  };
}

function fakeStore(): KeyValueStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return { data, get: (k) => data.get(k), set: (k, v) => data.set(k, v), delete: (k) => data.delete(k) };
}

describe('secret storage fallback order', () => {
  it('uses the OS keychain through keytar first, with service Charla and account origin|user', async () => {
    const { keytar, entries } = fakeKeytar();
    const store = fakeStore();
    const secrets = await createSecretStore({
      loadKeytar: async () => keytar,
      safeStorage: fakeSafeStorage('gnome_libsecret'),
      store,
      platform: 'linux',
    });
    expect(secrets.info()).toEqual({ kind: 'keychain', persistent: true });
    await secrets.set(ACCOUNT, SECRET);
    expect(entries.get(`${KEYCHAIN_SERVICE}/https://chat.example.com|user-1`)).toBe(SECRET);
    expect(await secrets.get(ACCOUNT)).toBe(SECRET);
    expect(store.data.size).toBe(0);
  });

  it('falls back to safeStorage when keytar cannot load, storing only ciphertext', async () => {
    const store = fakeStore();
    const secrets = await createSecretStore({
      loadKeytar: async () => {
        throw new Error('Cannot find module keytar.node');
      },
      safeStorage: fakeSafeStorage('gnome_libsecret'),
      store,
      platform: 'linux',
    });
    expect(secrets.info()).toEqual({ kind: 'safe-storage', persistent: true });
    await secrets.set(ACCOUNT, SECRET);
    expect(JSON.stringify([...store.data])).not.toContain(SECRET);
    expect(await secrets.get(ACCOUNT)).toBe(SECRET);
  });

  it('falls back to safeStorage when keytar loads but no Secret Service answers', async () => {
    const secrets = await createSecretStore({
      loadKeytar: async () => fakeKeytar({ broken: true }).keytar,
      safeStorage: fakeSafeStorage('kwallet5'),
      store: fakeStore(),
      platform: 'linux',
    });
    expect(secrets.info().kind).toBe('safe-storage');
  });

  it.each(['basic_text', 'unknown'])(
    'refuses safeStorage backend %s on Linux and keeps the token in memory',
    async (b) => {
      const store = fakeStore();
      const log = vi.fn();
      const secrets = await createSecretStore({
        loadKeytar: async () => fakeKeytar({ broken: true }).keytar,
        safeStorage: fakeSafeStorage(b),
        store,
        platform: 'linux',
        log,
      });
      expect(secrets.info()).toEqual({ kind: 'memory', persistent: false });
      await secrets.set(ACCOUNT, SECRET);
      expect(await secrets.get(ACCOUNT)).toBe(SECRET);
      expect(store.data.size).toBe(0);
      expect(log.mock.calls.flat().join('\n')).toContain(b);
    },
  );

  it('uses safeStorage on Windows/macOS where there is no backend choice', async () => {
    const secrets = await createSecretStore({
      loadKeytar: async () => fakeKeytar({ broken: true }).keytar,
      safeStorage: { ...fakeSafeStorage('basic_text'), getSelectedStorageBackend: undefined },
      store: fakeStore(),
      platform: 'win32',
    });
    expect(secrets.info().kind).toBe('safe-storage');
  });

  it('keeps the session in memory when encryption is unavailable', async () => {
    const secrets = await createSecretStore({
      loadKeytar: async () => fakeKeytar({ broken: true }).keytar,
      safeStorage: fakeSafeStorage('gnome_libsecret', false),
      store: fakeStore(),
      platform: 'darwin',
    });
    expect(secrets.info()).toEqual({ kind: 'memory', persistent: false });
  });

  it('demotes to the next backend when the keychain fails later, never losing the token', async () => {
    const { keytar } = fakeKeytar();
    const store = fakeStore();
    const secrets = await createSecretStore({
      loadKeytar: async () => keytar,
      safeStorage: fakeSafeStorage('gnome_libsecret'),
      store,
      platform: 'linux',
    });
    vi.mocked(keytar.setPassword).mockRejectedValueOnce(new Error('keyring locked'));
    await secrets.set(ACCOUNT, SECRET);
    expect(secrets.info().kind).toBe('safe-storage');
    expect(await secrets.get(ACCOUNT)).toBe(SECRET);
    expect(JSON.stringify([...store.data])).not.toContain(SECRET);
  });

  it('logout deletes the secret from every backend', async () => {
    const { keytar, entries } = fakeKeytar();
    const store = fakeStore();
    const secrets = await createSecretStore({
      loadKeytar: async () => keytar,
      safeStorage: fakeSafeStorage('gnome_libsecret'),
      store,
      platform: 'linux',
    });
    await secrets.set(ACCOUNT, SECRET);
    // A stale safe-storage copy from an earlier run without keychain:
    store.data.set('encryptedSecrets', {
      [ACCOUNT]: Buffer.from(`enc:${Buffer.from('old').toString('hex')}`).toString('base64'),
    });
    await secrets.delete(ACCOUNT);
    expect(entries.size).toBe(0);
    expect(store.data.get('encryptedSecrets')).toEqual({});
    expect(await secrets.get(ACCOUNT)).toBeNull();
  });

  it('ignores corrupt stored blobs instead of crashing', async () => {
    const store = fakeStore();
    store.data.set('encryptedSecrets', { [ACCOUNT]: 'not base64 ciphertext', other: 42 });
    const secrets = await createSecretStore({
      loadKeytar: async () => Promise.reject(new Error('no keytar')),
      safeStorage: {
        ...fakeSafeStorage('gnome_libsecret'),
        decryptString: () => {
          throw new Error('bad mac');
        },
      },
      store,
      platform: 'linux',
    });
    expect(await secrets.get(ACCOUNT)).toBeNull();
  });

  it('memory is the floor: a failing memory backend surfaces the error', async () => {
    const failing = { ...memoryBackend(), set: async () => Promise.reject(new Error('boom')) };
    await expect(chainedStore([failing]).set(ACCOUNT, SECRET)).rejects.toThrow('boom');
  });
});
