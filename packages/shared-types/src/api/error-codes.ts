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
  /** End-to-end encryption: a commit or message for an epoch the group has left (409; catch up, retry). */
  'stale_epoch',
  /** End-to-end encryption: the group still holds devices that must be removed first (409; commit, retry). */
  'group_out_of_date',
  /** A plain-text operation on an end-to-end encrypted conversation (409; use the encrypted client). */
  'encrypted_conversation',
  /** The database is unreachable, busy or cannot take writes right now (503, retryable; see retryAfter). */
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];
