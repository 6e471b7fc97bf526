import { buf, concat, equalBytes, fromBase64, randomBytes, sha256, toBase64, utf8 } from '../bytes.ts';
import { E2eeError } from '../errors.ts';
import type { EncryptedFile } from './payload.ts';

/*
 * Encrypted attachments: each file (and its thumbnail, made by the sender) gets a fresh AES-256-GCM
 * key; the server stores iv || ciphertext as an opaque blob. The key and the ciphertext's SHA-256
 * travel inside the MLS message, so a receiver refuses a blob the server swapped or altered.
 */

const FILE_AAD = utf8('charla-file-v1');

export async function encryptFile(
  plain: Uint8Array,
): Promise<{ blob: Uint8Array; key: Uint8Array; sha256: Uint8Array }> {
  const key = randomBytes(32);
  const iv = randomBytes(12);
  const k = await crypto.subtle.importKey('raw', buf(key), { name: 'AES-GCM' }, false, ['encrypt']);
  const ct = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv: buf(iv), additionalData: buf(FILE_AAD) }, k, buf(plain)),
  );
  const blob = concat(iv, ct);
  return { blob, key, sha256: await sha256(blob) };
}

export async function decryptFile(blob: Uint8Array, file: Pick<EncryptedFile, 'key' | 'sha256'>): Promise<Uint8Array> {
  if (!equalBytes(await sha256(blob), fromBase64(file.sha256)))
    throw new E2eeError('tampered', 'The attachment is not the one the sender encrypted');
  if (blob.length < 12 + 16) throw new E2eeError('tampered', 'The attachment is truncated');
  try {
    const k = await crypto.subtle.importKey('raw', buf(fromBase64(file.key)), { name: 'AES-GCM' }, false, ['decrypt']);
    return new Uint8Array(
      await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: buf(blob.subarray(0, 12)), additionalData: buf(FILE_AAD) },
        k,
        buf(blob.subarray(12)),
      ),
    );
  } catch (err) {
    throw new E2eeError('tampered', 'The attachment cannot be decrypted', { cause: err });
  }
}

export const describeEncrypted = (
  up: { id: string },
  enc: { key: Uint8Array; sha256: Uint8Array },
  plain: { size: number; mime: string },
): EncryptedFile => ({
  blobId: up.id,
  key: toBase64(enc.key),
  sha256: toBase64(enc.sha256),
  size: plain.size,
  mime: plain.mime,
});
