import { contentTypes, type MlsMessage, makeKeyPackageRef, mlsMessageDecoder, wireformats } from 'ts-mls';
import { toHex } from '../bytes.ts';
import { E2eeError } from '../errors.ts';
import { type DeviceRef, parseCredential } from './credential.ts';
import { type SuiteName, suiteById, suiteImpl } from './suite.ts';

/*
 * What the Delivery Service may look at without any key: MLS framing (wire format, group id, epoch,
 * content type, authenticated data) and public KeyPackages. The server uses these to refuse malformed
 * blobs with a 4xx before storing them; nothing here decrypts.
 */

export type ContentKind = 'application' | 'proposal' | 'commit';

export type FramedInfo = {
  wire: 'private' | 'public';
  groupId: Uint8Array;
  epoch: number;
  contentType: ContentKind;
  /** MLS authenticated_data: in clear, covered by the AEAD and signature. */
  aad: Uint8Array;
};

const kinds: Record<number, ContentKind> = {
  [contentTypes.application]: 'application',
  [contentTypes.proposal]: 'proposal',
  [contentTypes.commit]: 'commit',
};

/** Decodes exactly one MLSMessage that spans all of `bytes` (trailing bytes are refused). */
export function decodeMlsMessage(bytes: Uint8Array): MlsMessage {
  let out: [MlsMessage, number] | undefined;
  try {
    out = mlsMessageDecoder(bytes, 0);
  } catch (err) {
    throw new E2eeError('malformed', 'Not an MLS message', { cause: err });
  }
  if (!out || out[1] !== bytes.length) throw new E2eeError('malformed', 'Not an MLS message');
  return out[0];
}

export function inspectFramed(bytes: Uint8Array): FramedInfo {
  const m = decodeMlsMessage(bytes);
  if (m.wireformat === wireformats.mls_private_message) {
    const p = m.privateMessage;
    const contentType = kinds[p.contentType];
    if (!contentType) throw new E2eeError('malformed', 'Unknown content type');
    return { wire: 'private', groupId: p.groupId, epoch: Number(p.epoch), contentType, aad: p.authenticatedData };
  }
  if (m.wireformat === wireformats.mls_public_message) {
    const c = m.publicMessage.content;
    const contentType = kinds[c.contentType];
    if (!contentType) throw new E2eeError('malformed', 'Unknown content type');
    return { wire: 'public', groupId: c.groupId, epoch: Number(c.epoch), contentType, aad: c.authenticatedData };
  }
  throw new E2eeError('malformed', 'Not an MLS handshake or application message');
}

export function inspectWelcome(bytes: Uint8Array): { cipherSuite: number; newMembers: string[] } {
  const m = decodeMlsMessage(bytes);
  if (m.wireformat !== wireformats.mls_welcome) throw new E2eeError('malformed', 'Not a Welcome');
  return { cipherSuite: m.welcome.cipherSuite, newMembers: m.welcome.secrets.map((s) => toHex(s.newMember)) };
}

export type KeyPackageInfo = {
  /** Hex KeyPackageRef, computed here (never trust the uploader's). */
  ref: string;
  suite: SuiteName;
  credential: DeviceRef | null;
  signatureKey: Uint8Array;
};

export async function inspectKeyPackage(bytes: Uint8Array): Promise<KeyPackageInfo> {
  const m = decodeMlsMessage(bytes);
  if (m.wireformat !== wireformats.mls_key_package) throw new E2eeError('malformed', 'Not a KeyPackage');
  const kp = m.keyPackage;
  const suite = suiteById(kp.cipherSuite);
  if (!suite) throw new E2eeError('malformed', 'Unknown ciphersuite');
  const cs = await suiteImpl(suite);
  return {
    ref: toHex(await makeKeyPackageRef(kp, cs.hash)),
    suite,
    credential: parseCredential(kp.leafNode.credential),
    signatureKey: kp.leafNode.signaturePublicKey,
  };
}
