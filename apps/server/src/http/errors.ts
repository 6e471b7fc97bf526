import type { ErrorCode, FieldErrors } from '@charla/shared-types';

/** A failure the client caused or may act on. The error handler turns it into an envelope. */
export class AppError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details: FieldErrors | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    options: { details?: FieldErrors; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
  }
}

export const badRequest = (message: string, details?: FieldErrors) =>
  new AppError(400, 'bad_request', message, details ? { details } : {});
export const validationFailed = (details: FieldErrors, message = 'Some fields are invalid') =>
  new AppError(400, 'validation_failed', message, { details });
export const unauthenticated = (message = 'Sign in to continue', code: ErrorCode = 'unauthenticated') =>
  new AppError(401, code, message);
export const forbidden = (message = 'You are not allowed to do that') => new AppError(403, 'forbidden', message);
export const notFound = (what = 'Resource') => new AppError(404, 'not_found', `${what} not found`);
export const conflict = (message: string, details?: FieldErrors) =>
  new AppError(409, 'conflict', message, details ? { details } : {});
export const payloadTooLarge = (message = 'Payload too large') => new AppError(413, 'payload_too_large', message);
export const unprocessable = (message: string, details?: FieldErrors) =>
  new AppError(422, 'unprocessable', message, details ? { details } : {});
export const rateLimited = (retryAfterSeconds: number, message = 'Too many requests, slow down') =>
  new AppError(429, 'rate_limited', message, {
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  });
