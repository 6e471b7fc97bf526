import type { ErrorEnvelope, SuccessEnvelope } from '@charla/shared-types';
import type { Response } from 'express';
import type { AppError } from './errors.ts';

export function sendData<T>(res: Response, data: T, status = 200, message = 'OK'): void {
  const body: SuccessEnvelope<T> = { error: false, status, message, data };
  res.status(status).json(body);
}

export function sendEmpty(res: Response, status = 200, message = 'OK'): void {
  res.status(status).json({ error: false, status, message });
}

/** Seconds from the error's Retry-After header, repeated in the body for clients that cannot read headers. */
export function retryAfterOf(err: AppError): number | undefined {
  const raw = err.headers?.['Retry-After'];
  const n = raw === undefined ? Number.NaN : Number(raw);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export function errorBody(err: AppError, requestId?: string): ErrorEnvelope {
  const body: ErrorEnvelope = { error: true, status: err.status, message: err.message, code: err.code };
  if (err.details) body.details = err.details;
  const retryAfter = retryAfterOf(err);
  if (retryAfter !== undefined) body.retryAfter = retryAfter;
  if (requestId) body.requestId = requestId;
  return body;
}
