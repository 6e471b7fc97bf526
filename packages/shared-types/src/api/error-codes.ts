/** Every error the API or a socket ack can report. Clients switch on these, never on messages. */
export const errorCodes = [
  'bad_request',
  'validation_failed',
  'unauthenticated',
  'token_expired',
  'session_revoked',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'unprocessable',
  'rate_limited',
  'account_suspended',
  /** An external sign-in provider could not be reached or answered nonsense (502). */
  'provider_unavailable',
  /** A plain-text operation on an end-to-end encrypted conversation (409; use the encrypted client). */
  'encrypted_conversation',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];
