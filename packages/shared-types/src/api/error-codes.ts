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
  /** Translation: the reader's or the server's daily character quota is used up (429; originals shown). */
  'translation_quota_exceeded',
  /** Translation: no provider configured, or the provider refused or failed (503; originals shown). */
  'translation_unavailable',
  'account_suspended',
  /** 403: the conversation is in announcement mode and the caller is not an owner or admin. */
  'posting_restricted',
  /** 403: the server requires a verified email to chat (ALLOW_UNVERIFIED_CHAT=false). */
  'email_unverified',
  /** 403: the caller was removed from the conversation; only a member adding them back undoes it. */
  'removed_from_conversation',
  /** An external sign-in provider could not be reached or answered nonsense (502). */
  'provider_unavailable',
  /** Linking: that external account (GitHub, Google…) already belongs to another Charla account (409). */
  'identity_linked_elsewhere',
  /** Unlinking: it is the account's only way to sign in (no password, no other linked account) (409). */
  'last_sign_in_method',
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

/**
 * Codes a client raises itself, never sent by the server. With `errorCodes` they are the one
 * vocabulary of the web client, the renderer and the desktop main process (IPC errors use it too):
 * one code per meaning, so nothing translates between layers.
 */
export const clientErrorCodes = [
  /** The server was not reached (offline, refused, timed out, no ack). */
  'network',
  /** The server answered something outside the contract. */
  'bad_response',
] as const;

export type ClientErrorCode = ErrorCode | (typeof clientErrorCodes)[number];
