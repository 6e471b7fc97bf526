import type { ErrorCode } from '../api/error-codes.ts';

/** Every socket acknowledgement has this shape. */
export type Ack<T> =
  | { ok: true; data: T }
  /** `retryAfter` (seconds) comes with retryable failures such as `unavailable` and `rate_limited`. */
  | { ok: false; error: { code: ErrorCode; message: string; retryAfter?: number } };

export type AckCallback<T> = (ack: Ack<T>) => void;
