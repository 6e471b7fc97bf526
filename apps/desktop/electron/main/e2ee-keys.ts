/**
 * The key that encrypts the desktop's end-to-end-encryption store (MLS keys, group states, decrypted
 * messages in the renderer's IndexedDB). It lives in the OS keychain through the secret store
 * (keytar, then safeStorage; never plaintext), one per server and signed-in user, and is handed only
 * to the renderer of the account signed in now. Signing out forgets it.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import type { SecretStore } from './secrets.ts';
import { secretAccount } from './secrets.ts';
import type { StoredAccount } from './session.ts';

const SUFFIX = '|e2ee-store';

export type E2eeKeys = {
  /** The signed-in account's store key (created on first use), base64; null when signed out. */
  get(): Promise<string | null>;
  forget(): Promise<void>;
};

export function createE2eeKeys(deps: {
  secrets: SecretStore;
  account: () => StoredAccount | null;
  randomBytes?: (n: number) => Buffer;
}): E2eeKeys {
  const random = deps.randomBytes ?? nodeRandomBytes;
  const name = (a: StoredAccount) => `${secretAccount(a.serverOrigin, a.userId)}${SUFFIX}`;
  return {
    async get() {
      const account = deps.account();
      if (!account) return null;
      const existing = await deps.secrets.get(name(account));
      if (existing && Buffer.from(existing, 'base64').length === 32) return existing;
      const fresh = random(32).toString('base64');
      await deps.secrets.set(name(account), fresh);
      return fresh;
    },
    async forget() {
      const account = deps.account();
      if (account) await deps.secrets.delete(name(account));
    },
  };
}
