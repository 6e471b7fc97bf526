import { E2eeError, fromBase64, toBase64 } from '@charla/e2ee';
import type { E2eeDevice, E2eeEnvelope, E2eeEnvelopeMeta, E2eeWelcome } from '@charla/shared-types';
import { AppError, badRequest, payloadTooLarge } from '../../http/errors.ts';
import type { E2eeDeviceRecord, E2eeMessageRecord, E2eeWelcomeRecord } from '../../storage/ports.ts';

export const toDeviceDto = (d: E2eeDeviceRecord, withName = true): E2eeDevice => ({
  id: d.id,
  userId: d.userId,
  name: withName ? d.name : '',
  signatureKey: toBase64(d.signatureKey),
  createdAt: d.createdAt.toISOString(),
  revokedAt: d.revokedAt ? d.revokedAt.toISOString() : null,
});

export const toEnvelopeMeta = (m: E2eeMessageRecord): E2eeEnvelopeMeta => ({
  id: m.id,
  conversationId: m.conversationId,
  seq: m.seq,
  kind: m.kind,
  epoch: m.epoch,
  senderId: m.senderId,
  senderDeviceId: m.senderDeviceId,
  createdAt: m.createdAt.toISOString(),
});

export const toEnvelope = (m: E2eeMessageRecord): E2eeEnvelope => ({
  ...toEnvelopeMeta(m),
  data: toBase64(m.data),
  frankingTag: m.frankingTag ? toBase64(m.frankingTag) : null,
});

export const toWelcomeDto = (w: E2eeWelcomeRecord): E2eeWelcome => ({
  id: w.id,
  conversationId: w.conversationId,
  commitSeq: w.commitSeq,
  epoch: w.epoch,
  welcome: toBase64(w.data),
  createdAt: w.createdAt.toISOString(),
});

/** Strict base64 -> bytes with a size cap: 400 naming the field, 413 when too large. */
export function decodeBlob(value: string, field: string, maxBytes: number): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64(value);
  } catch {
    throw badRequest(`${field} is not valid base64`, { [field]: ['Must be base64'] });
  }
  if (bytes.length === 0) throw badRequest(`${field} is empty`, { [field]: ['Required'] });
  if (bytes.length > maxBytes) throw payloadTooLarge(`${field} is larger than ${maxBytes} bytes`);
  return bytes;
}

/** Wire inspection failures (malformed MLS) are the client's: 400 naming the field. */
export function mlsInput<T>(field: string, inspect: () => T): T {
  try {
    return inspect();
  } catch (err) {
    if (err instanceof E2eeError)
      throw new AppError(400, 'bad_request', `${field}: ${err.message}`, { details: { [field]: [err.message] } });
    throw err;
  }
}
