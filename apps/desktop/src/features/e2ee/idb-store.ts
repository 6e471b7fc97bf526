import {
  createEncryptedStore,
  type E2eeStore,
  generateStoreKey,
  importStoreKey,
  type RawStore,
  type StoreKey,
} from '@charla/e2ee';
import { type IDBPDatabase, openDB } from 'idb';
import { e2eeDbName } from './e2ee-wipe.ts';

/*
 * The device's encrypted-chat store: IndexedDB, every value sealed with AES-256-GCM
 * (createEncryptedStore). The key is non-extractable: on the web it is generated here and kept in
 * IndexedDB as a CryptoKey object (script can use it, never read it); on desktop its bytes come from
 * the OS keychain and are imported non-extractable. One database per user; signing out deletes it.
 */

const KV = 'kv';
const META = 'meta';

function rawStore(db: IDBPDatabase): RawStore {
  return {
    get: async (k) => (await db.get(KV, k)) as Uint8Array | undefined,
    set: async (k, v) => {
      await db.put(KV, v, k);
    },
    delete: (k) => db.delete(KV, k),
    keys: async (prefix) =>
      ((await db.getAllKeys(KV, IDBKeyRange.bound(prefix, `${prefix}\uffff`))) as string[]).sort(),
    clear: async () => {
      await db.clear(KV);
      await db.clear(META);
    },
  };
}

export async function openE2eeStore(userId: string, keyBytes?: Uint8Array): Promise<E2eeStore> {
  const db = await openDB(e2eeDbName(userId), 1, {
    upgrade(d) {
      d.createObjectStore(KV);
      d.createObjectStore(META);
    },
  });
  let key: StoreKey;
  if (keyBytes) key = await importStoreKey(keyBytes);
  else {
    const stored = (await db.get(META, 'storeKey')) as StoreKey | undefined;
    key = stored ?? (await generateStoreKey());
    if (!stored) await db.put(META, key, 'storeKey');
  }
  return createEncryptedStore(rawStore(db), key);
}
