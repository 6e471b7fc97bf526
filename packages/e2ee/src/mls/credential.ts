import { type Credential, defaultCredentialTypes } from 'ts-mls';
import { fromUtf8, utf8 } from '../bytes.ts';

/**
 * A Charla MLS credential binds a user and one of their devices. It is a basic credential whose identity
 * is `charla/1\n<userId>\n<deviceId>`; the signature key it is bound to is the leaf's signature key, and
 * the authentication service checks the triple against the server's device directory (see auth.ts).
 */
export type DeviceRef = { userId: string; deviceId: string };

const PREFIX = 'charla/1';
/** Server ids (UUIDs, ObjectIds) and client device ids (UUIDs) all fit this. */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function credentialFor(ref: DeviceRef): Credential {
  if (!ID_PATTERN.test(ref.userId) || !ID_PATTERN.test(ref.deviceId)) throw new TypeError('Bad user or device id');
  return { credentialType: defaultCredentialTypes.basic, identity: utf8(`${PREFIX}\n${ref.userId}\n${ref.deviceId}`) };
}

/** Null for anything that is not a well-formed Charla credential. */
export function parseCredential(c: Credential): DeviceRef | null {
  if (c.credentialType !== defaultCredentialTypes.basic || !('identity' in c)) return null;
  let text: string;
  try {
    text = fromUtf8(c.identity);
  } catch {
    return null;
  }
  const [prefix, userId, deviceId, ...rest] = text.split('\n');
  if (prefix !== PREFIX || rest.length || !userId || !deviceId) return null;
  if (!ID_PATTERN.test(userId) || !ID_PATTERN.test(deviceId)) return null;
  return { userId, deviceId };
}
