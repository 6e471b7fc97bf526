import type { ErrorCode } from '../api/error-codes.ts';

/** Every socket acknowledgement has this shape. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string } };

export type AckCallback<T> = (ack: Ack<T>) => void;
