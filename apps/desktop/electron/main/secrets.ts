/**
 * Custody of the refresh token. Order: the OS keychain through keytar; else Electron safeStorage
 * (refusing Linux's `basic_text` backend, which is a hard-coded key, i.e. plaintext in disguise)
 * with the ciphertext in electron-store; else memory only, which the UI reports. Never plaintext.
 */
import type { SecretStorageInfo, SecretStorageKind } from '../shared/ipc-contract.ts';

export const KEYCHAIN_SERVICE = 'Charla';

/** `<serverOrigin>|<userId>`: one keychain entry per server and user. */
export function secretAccount(serverOrigin: string, userId: string): string {
  return `${serverOrigin}|${userId}`;
}

/** The part of keytar we use. */
export type KeytarLike = {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
};

/** The part of Electron's safeStorage we use. */
export type SafeStorageLike = {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?: () => string;
};

/** A key-value store (electron-store satisfies it). */
export type KeyValueStore = {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
};

export type SecretBackend = {
  readonly kind: SecretStorageKind;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<void>;
};

export type SecretStore = {
  info(): SecretStorageInfo;
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  /** Removes the secret from every backend (a stale copy must not outlive logout). */
  delete(account: string): Promise<void>;
};

export function keytarBackend(keytar: KeytarLike, service = KEYCHAIN_SERVICE): SecretBackend {
  return {
    kind: 'keychain',
    get: (account) => keytar.getPassword(service, account),
    set: (account, secret) => keytar.setPassword(service, account, secret),
    delete: async (account) => {
      await keytar.deletePassword(service, account);
    },
  };
}

const BLOB_KEY = 'encryptedSecrets';

/** Why safeStorage cannot be used, or null when it can. */
export function safeStorageRefusal(safeStorage: SafeStorageLike, platform: NodeJS.Platform): string | null {
  if (!safeStorage.isEncryptionAvailable()) return 'safeStorage encryption is unavailable';
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
    // basic_text encrypts with a constant key; 'unknown' means it was asked before app ready.
    if (backend === 'basic_text' || backend === 'unknown') return `safeStorage backend is ${backend}`;
  }
  return null;
}

export function safeStorageBackend(safeStorage: SafeStorageLike, store: KeyValueStore): SecretBackend {
  const read = (): Record<string, string> => {
    const raw = store.get(BLOB_KEY);
    if (!raw || typeof raw !== 'object') return {};
    return Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
  };
  return {
    kind: 'safe-storage',
    async get(account) {
      const blob = read()[account];
      if (!blob) return null;
      try {
        return safeStorage.decryptString(Buffer.from(blob, 'base64'));
      } catch {
        return null;
      }
    },
    async set(account, secret) {
      const encrypted = safeStorage.encryptString(secret).toString('base64');
      store.set(BLOB_KEY, { ...read(), [account]: encrypted });
    },
    async delete(account) {
      const all = read();
      if (!(account in all)) return;
      delete all[account];
      store.set(BLOB_KEY, all);
    },
  };
}

export function memoryBackend(): SecretBackend {
  const secrets = new Map<string, string>();
  return {
    kind: 'memory',
    get: async (account) => secrets.get(account) ?? null,
    set: async (account, secret) => {
      secrets.set(account, secret);
    },
    delete: async (account) => {
      secrets.delete(account);
    },
  };
}

/** Probes the keychain once: keytar may load yet fail at its first call (no Secret Service, locked). */
async function keychainWorks(keytar: KeytarLike): Promise<boolean> {
  try {
    await keytar.getPassword(KEYCHAIN_SERVICE, '__charla_probe__');
    return true;
  } catch {
    return false;
  }
}

export type SecretStoreOptions = {
  /** Loads keytar; rejects when the native module cannot load. */
  loadKeytar: () => Promise<KeytarLike>;
  safeStorage: SafeStorageLike | null;
  store: KeyValueStore;
  platform: NodeJS.Platform;
  log?: (message: string) => void;
};

/**
 * Picks the first working backend. If a write to the keychain later fails, the store demotes itself
 * to the next backend rather than losing the session.
 */
export async function createSecretStore(options: SecretStoreOptions): Promise<SecretStore> {
  const log = options.log ?? (() => undefined);
  const chain: SecretBackend[] = [];
  try {
    const keytar = await options.loadKeytar();
    if (await keychainWorks(keytar)) chain.push(keytarBackend(keytar));
    else log('secrets: keychain unreachable, falling back');
  } catch (error) {
    log(`secrets: keytar unavailable (${error instanceof Error ? error.message : String(error)})`);
  }
  if (options.safeStorage) {
    const refusal = safeStorageRefusal(options.safeStorage, options.platform);
    if (refusal === null) chain.push(safeStorageBackend(options.safeStorage, options.store));
    else log(`secrets: ${refusal}`);
  }
  chain.push(memoryBackend());
  return chainedStore(chain, log);
}

export function chainedStore(chain: SecretBackend[], log: (message: string) => void = () => undefined): SecretStore {
  let active = 0;
  const current = (): SecretBackend => chain[active] as SecretBackend;
  const demote = (error: unknown): boolean => {
    if (active >= chain.length - 1) return false;
    log(`secrets: ${current().kind} failed (${error instanceof Error ? error.message : String(error)}), demoting`);
    active += 1;
    return true;
  };
  return {
    info: () => ({ kind: current().kind, persistent: current().kind !== 'memory' }),
    async get(account) {
      for (;;) {
        try {
          return await current().get(account);
        } catch (error) {
          if (!demote(error)) throw error;
        }
      }
    },
    async set(account, secret) {
      for (;;) {
        try {
          await current().set(account, secret);
          return;
        } catch (error) {
          if (!demote(error)) throw error;
        }
      }
    },
    async delete(account) {
      const failures: unknown[] = [];
      for (const backend of chain) {
        try {
          await backend.delete(account);
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length === chain.length) throw failures[0];
    },
  };
}
