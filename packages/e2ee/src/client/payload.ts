import { emojiSchema, MESSAGE_TEXT_MAX, messageTextSchema } from '@charla/shared-types';
import { z } from 'zod';
import { concat, fromUtf8, utf8 } from '../bytes.ts';
import { E2eeError } from '../errors.ts';
import { FRANKING_KEY_BYTES } from './franking.ts';

/*
 * What travels inside an MLS application message: a version byte, the franking key, then one JSON
 * payload. Text, replies, mentions, attachments (their keys), edits, deletes and reactions are all
 * payloads: the server sees none of them. Receivers validate every field (senders may be hostile).
 */

const PLAINTEXT_VERSION = 1;
const id = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'Bad id');
const b64 = z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/);

export const encryptedFileSchema = z.object({
  /** Opaque blob on the server (ciphertext only). */
  blobId: z.string().min(1).max(64),
  /** AES-256-GCM key of this one file (base64); the blob is iv(12) || ciphertext. */
  key: b64.max(64),
  /** SHA-256 of the ciphertext blob (base64): a swapped blob is refused. */
  sha256: b64.max(64),
  size: z
    .number()
    .int()
    .nonnegative()
    .max(2 ** 31),
  mime: z.string().max(127),
});
export type EncryptedFile = z.infer<typeof encryptedFileSchema>;

export const attachmentSchema = encryptedFileSchema.extend({
  name: z.string().max(255),
  width: z.number().int().positive().max(100_000).optional(),
  height: z.number().int().positive().max(100_000).optional(),
  /** Made and encrypted by the sender (the server cannot make thumbnails of ciphertext). */
  thumbnail: encryptedFileSchema
    .extend({ width: z.number().int().positive().max(4096), height: z.number().int().positive().max(4096) })
    .optional(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

export const payloadSchema = z.discriminatedUnion('t', [
  z.object({
    v: z.literal(1),
    t: z.literal('text'),
    id,
    text: messageTextSchema,
    replyTo: z.object({ id, senderId: z.string().max(64), text: z.string().max(200) }).optional(),
    mentions: z.array(z.string().max(64)).max(50).default([]),
    attachments: z.array(attachmentSchema).max(10).default([]),
    forwarded: z.boolean().optional(),
  }),
  z.object({ v: z.literal(1), t: z.literal('edit'), id, target: id, text: messageTextSchema }),
  z.object({ v: z.literal(1), t: z.literal('delete'), id, target: id }),
  z.object({ v: z.literal(1), t: z.literal('react'), id, target: id, emoji: emojiSchema, on: z.boolean() }),
]);
export type Payload = z.output<typeof payloadSchema>;
export type PayloadInput = z.input<typeof payloadSchema>;
/** What callers pass to send(): the client adds v and id. */
export type OutgoingPayload =
  | Omit<Extract<PayloadInput, { t: 'text' }>, 'v' | 'id'>
  | Omit<Extract<PayloadInput, { t: 'edit' }>, 'v' | 'id'>
  | Omit<Extract<PayloadInput, { t: 'delete' }>, 'v' | 'id'>
  | Omit<Extract<PayloadInput, { t: 'react' }>, 'v' | 'id'>;

export const MAX_PAYLOAD_BYTES = MESSAGE_TEXT_MAX * 4 + 16 * 1024;

export function encodePayload(p: PayloadInput): Uint8Array {
  const parsed = payloadSchema.parse(p);
  const bytes = utf8(JSON.stringify(parsed));
  if (bytes.length > MAX_PAYLOAD_BYTES) throw new E2eeError('malformed', 'Message is too large');
  return bytes;
}

export function decodePayload(bytes: Uint8Array): Payload {
  if (bytes.length > MAX_PAYLOAD_BYTES) throw new E2eeError('malformed', 'Payload too large');
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(bytes));
  } catch (err) {
    throw new E2eeError('malformed', 'Payload is not JSON', { cause: err });
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) throw new E2eeError('malformed', `Payload refused: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

/** The MLS plaintext: version, franking key, payload. */
export const sealPlaintext = (frankingKey: Uint8Array, payload: Uint8Array): Uint8Array =>
  concat(new Uint8Array([PLAINTEXT_VERSION]), frankingKey, payload);

export function openPlaintext(plain: Uint8Array): { frankingKey: Uint8Array; payload: Uint8Array } {
  if (plain.length < 1 + FRANKING_KEY_BYTES || plain[0] !== PLAINTEXT_VERSION)
    throw new E2eeError('malformed', 'Unknown message format');
  return { frankingKey: plain.slice(1, 1 + FRANKING_KEY_BYTES), payload: plain.slice(1 + FRANKING_KEY_BYTES) };
}
