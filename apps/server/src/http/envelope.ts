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

export function errorBody(err: AppError, requestId?: string): ErrorEnvelope {
  const body: ErrorEnvelope = { error: true, status: err.status, message: err.message, code: err.code };
  if (err.details) body.details = err.details;
  if (requestId) body.requestId = requestId;
  return body;
}
