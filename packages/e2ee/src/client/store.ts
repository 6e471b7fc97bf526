import { buf, fromBase64, fromUtf8, randomBytes, toBase64, utf8 } from '../bytes.ts';
import { E2eeError } from '../errors.ts';

/**
 * Where the client keeps its keys, MLS states and decrypted messages. Values are plain data
 * (objects, arrays, strings, numbers, booleans, null, Uint8Array).
 */
export type E2eeStore = {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** Keys starting with `prefix`, sorted. */
  keys(prefix: string): Promise<string[]>;
  /** Deletes everything (sign-out). */
  clear(): Promise<void>;
};

/** Bytes by key: what a backend (memory, IndexedDB) provides under the encrypted store. */
export type RawStore = {
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  keys(prefix: string): Promise<string[]>;
  clear(): Promise<void>;
};

export function createMemoryRawStore(): RawStore & { dump(): Map<string, Uint8Array> } {
  const map = new Map<string, Uint8Array>();
  return {
    dump: () => map,
    get: async (k) => map.get(k)?.slice(),
    set: async (k, v) => {
      map.set(k, v.slice());
    },
    delete: async (k) => {
      map.delete(k);
    },
    keys: async (prefix) => [...map.keys()].filter((k) => k.startsWith(prefix)).sort(),
    clear: async () => map.clear(),
  };
}

const BYTES = '$bytes';
export const serialize = (value: unknown): Uint8Array =>
  utf8(JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? { [BYTES]: toBase64(v) } : v)));
export const deserialize = <T>(bytes: Uint8Array): T =>
  JSON.parse(fromUtf8(bytes), (_k, v: unknown) =>
    v && typeof v === 'object' && BYTES in v && Object.keys(v).length === 1
      ? fromBase64((v as Record<string, string>)[BYTES] as string)
      : v,
  ) as T;

/** A WebCrypto AES-GCM key (named through the global, so Node and DOM typings agree). */
export type StoreKey = Parameters<typeof crypto.subtle.encrypt>[1];

/**
 * Every value encrypted at rest with AES-256-GCM under `key` (a non-extractable WebCrypto key: on the
 * web it lives in IndexedDB as a CryptoKey; on desktop its bytes come from the OS keychain). The entry
 * name is the associated data, so a value cannot be moved to another key unnoticed.
 */
export function createEncryptedStore(raw: RawStore, key: StoreKey): E2eeStore {
  return {
    async get<T>(name: string): Promise<T | undefined> {
      const sealed = await raw.get(name);
      if (!sealed) return undefined;
      if (sealed.length < 13) throw new E2eeError('state', `Stored entry ${name} is damaged`);
      let plain: ArrayBuffer;
      try {
        plain = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: buf(sealed.subarray(0, 12)), additionalData: buf(utf8(name)) },
          key,
          buf(sealed.subarray(12)),
        );
      } catch (err) {
        throw new E2eeError('state', `Stored entry ${name} cannot be decrypted (wrong key or damaged)`, { cause: err });
      }
      return deserialize<T>(new Uint8Array(plain));
    },
    async set(name, value) {
      const iv = randomBytes(12);
      const ct = await crypto.subtle.encrypt(
        { name: 'AES-GCM', iv: buf(iv), additionalData: buf(utf8(name)) },
        key,
        buf(serialize(value)),
      );
      const sealed = new Uint8Array(12 + ct.byteLength);
      sealed.set(iv);
      sealed.set(new Uint8Array(ct), 12);
      await raw.set(name, sealed);
    },
    delete: (name) => raw.delete(name),
    keys: (prefix) => raw.keys(prefix),
    clear: () => raw.clear(),
  };
}

/** A fresh non-extractable AES-256-GCM key (web: persisted as a CryptoKey object, never as bytes). */
export const generateStoreKey = (): Promise<StoreKey> =>
  crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);

/** Imports 32 key bytes (desktop: from the OS keychain) as a non-extractable key. */
export const importStoreKey = (bytes: Uint8Array): Promise<StoreKey> =>
  crypto.subtle.importKey('raw', buf(bytes), { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
