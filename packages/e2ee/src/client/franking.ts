import { buf, concat, equalBytes, randomBytes, utf8 } from '../bytes.ts';

/*
 * Message franking (as in Facebook's "message franking" for reports of encrypted messages): the
 * sender commits to each message with an HMAC under a fresh key that travels inside the ciphertext;
 * the commitment travels in clear (MLS authenticated data) and the server stores it. A reporter
 * reveals the plaintext and the key; the server recomputes the HMAC, bound to the conversation and
 * sender it stored, before a moderator sees anything. Receivers check it too, so a sender cannot send
 * something that could not be reported.
 */

export const FRANKING_KEY_BYTES = 32;
const LABEL = 'charla-franking-v1';

/** The committed bytes: label, conversation and sender (length-prefixed), then the payload. */
export function frankingInput(conversationId: string, senderId: string, payload: Uint8Array): Uint8Array {
  const parts = [utf8(LABEL), utf8(conversationId), utf8(senderId)];
  const framed = parts.flatMap((p) => {
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, p.length);
    return [len, p];
  });
  return concat(...framed, payload);
}

export async function frankingTag(key: Uint8Array, input: Uint8Array): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey('raw', buf(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, buf(input)));
}

export async function frank(
  conversationId: string,
  senderId: string,
  payload: Uint8Array,
): Promise<{ key: Uint8Array; tag: Uint8Array }> {
  const key = randomBytes(FRANKING_KEY_BYTES);
  return { key, tag: await frankingTag(key, frankingInput(conversationId, senderId, payload)) };
}

export async function verifyFranking(
  conversationId: string,
  senderId: string,
  payload: Uint8Array,
  key: Uint8Array,
  tag: Uint8Array,
): Promise<boolean> {
  if (key.length !== FRANKING_KEY_BYTES) return false;
  return equalBytes(await frankingTag(key, frankingInput(conversationId, senderId, payload)), tag);
}
