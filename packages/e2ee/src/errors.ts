/**
 * Every failure the E2EE client reports, with a stable code. Check `instanceof E2eeError` and the code,
 * never an error class name: minified bundles rename classes (ts-mls's own errors included).
 */
export type E2eeErrorCode =
  /** Ciphertext or framing does not authenticate (tampered, or not for this group). */
  | 'tampered'
  /** The message was already processed (a replayed or duplicated delivery). */
  | 'replay'
  /** A handshake message for an epoch that is not the group's current one. */
  | 'stale_epoch'
  /** The message is for an epoch this device never reached or already forgot. */
  | 'unknown_epoch'
  /** A credential that does not match the server's device directory. */
  | 'bad_credential'
  /** A Welcome for a KeyPackage this device no longer holds (used once already, or never ours). */
  | 'key_package_used'
  /** This device is not (or no longer) a member of the group. */
  | 'not_member'
  /** Franking commitment missing or not matching the plaintext. */
  | 'franking_invalid'
  /** Bytes that do not parse as what they claim to be. */
  | 'malformed'
  /** The server refused a request (see `status` and `serverCode`). */
  | 'server'
  /** Local state is missing or damaged. */
  | 'state';

export class E2eeError extends Error {
  readonly code: E2eeErrorCode;
  readonly status: number | undefined;
  readonly serverCode: string | undefined;
  readonly details: unknown;
  constructor(
    code: E2eeErrorCode,
    message: string,
    extra: { status?: number; serverCode?: string; details?: unknown; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'E2eeError';
    this.code = code;
    this.status = extra.status;
    this.serverCode = extra.serverCode;
    this.details = extra.details;
  }
}

export const isE2eeError = (err: unknown, code?: E2eeErrorCode): err is E2eeError =>
  err instanceof E2eeError && (code === undefined || err.code === code);
