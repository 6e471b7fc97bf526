import { type CiphersuiteImpl, type CiphersuiteName, ciphersuites, getCiphersuiteImpl } from 'ts-mls';

/**
 * The MLS ciphersuite is configuration, not code: a post-quantum hybrid (e.g.
 * MLS_256_XWING_AES256GCM_SHA512_Ed25519, which needs @hpke/hybridkem-x-wing installed) can be switched on
 * later. Every member of a group must use the group's suite; it is fixed when the group is created.
 */
export type SuiteName = CiphersuiteName;
export const DEFAULT_SUITE: SuiteName = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519';

export const isSuiteName = (s: string): s is SuiteName => Object.hasOwn(ciphersuites, s);

export const suiteById = (id: number): SuiteName | null => {
  const name = Object.entries(ciphersuites).find(([, v]) => v === id)?.[0];
  return name && isSuiteName(name) ? name : null;
};

const impls = new Map<SuiteName, Promise<CiphersuiteImpl>>();

/** One implementation per suite per realm (creating one imports WebCrypto keys and checks support). */
export function suiteImpl(name: SuiteName): Promise<CiphersuiteImpl> {
  let impl = impls.get(name);
  if (!impl) {
    impl = getCiphersuiteImpl(name);
    impls.set(name, impl);
    impl.catch(() => impls.delete(name));
  }
  return impl;
}
