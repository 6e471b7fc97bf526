/** Thrown by any adapter when a unique constraint is hit; services map it to a 409. */
export class DuplicateKeyError extends Error {
  readonly field: string;
  constructor(field: string) {
    super(`duplicate ${field}`);
    this.name = 'DuplicateKeyError';
    this.field = field;
  }
}

/**
 * The database cannot be reached or cannot accept the write right now (network error, no primary,
 * write concern not satisfied, shutting down). Nothing the client sent was wrong: the HTTP layer
 * answers 503 with Retry-After, and the client retries (a send is idempotent on its clientMsgId).
 */
export class StorageUnavailableError extends Error {
  readonly retryAfterSeconds: number;
  constructor(message: string, options: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, { cause: options.cause });
    this.name = 'StorageUnavailableError';
    this.retryAfterSeconds = options.retryAfterSeconds ?? 5;
  }
}

/** Start-up failure with a message an operator can act on (printed without a stack trace). */
export class StorageStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageStartError';
  }
}
