import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { StorageUnavailableError } from '../storage/errors.ts';
import { errorBody } from './envelope.ts';
import { AppError, badRequest, notFound, payloadTooLarge } from './errors.ts';
import { fieldErrors } from './validate.ts';

/** Maps body-parser failures (which carry `type` and `status`) to client errors. */
function fromParserError(err: unknown): AppError | undefined {
  if (typeof err !== 'object' || err === null || !('type' in err)) return undefined;
  const type = (err as { type: unknown }).type;
  if (type === 'entity.too.large') return payloadTooLarge('Request body is too large');
  if (type === 'entity.parse.failed') return badRequest('Request body is not valid JSON');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported')
    return new AppError(415, 'unsupported_media_type', 'Unsupported body encoding');
  if (type === 'request.aborted') return badRequest('Request was aborted');
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) return badRequest('Malformed request');
  return undefined;
}

/**
 * The store cannot write (disk full, read-only or failing volume): a retryable 503 with a message the
 * user can act on, instead of an opaque 500. Matched on the error code, so http/ stays store-agnostic
 * (SQLite codes from better-sqlite3, errno codes from the filesystem).
 */
const STORAGE_WRITE_CODES = /^(SQLITE_(FULL|READONLY|IOERR|CANTOPEN)|ENOSPC|EROFS|EDQUOT)/;
function fromStorageWriteError(err: unknown): AppError | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof code !== 'string' || !STORAGE_WRITE_CODES.test(code)) return undefined;
  return new AppError(
    503,
    'internal',
    'The server cannot save right now (storage full or read-only); try again later',
    {
      headers: { 'Retry-After': '30' },
    },
  );
}

/**
 * The database is unreachable, has no primary, could not satisfy the write concern, or (SQLite) stayed
 * locked past busy_timeout: a retryable 503, never a 500. The adapter decides what counts as an outage
 * (StorageUnavailableError); SQLite's busy codes are matched here like its disk codes above.
 */
const STORAGE_BUSY_CODES = /^SQLITE_(BUSY|LOCKED)/;
function fromStorageUnavailable(err: unknown): AppError | undefined {
  if (err instanceof StorageUnavailableError) {
    return new AppError(503, 'unavailable', 'The database is unavailable right now; try again shortly', {
      headers: { 'Retry-After': String(err.retryAfterSeconds) },
    });
  }
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && STORAGE_BUSY_CODES.test(code)) {
    return new AppError(503, 'unavailable', 'The server is busy; try again shortly', {
      headers: { 'Retry-After': '2' },
    });
  }
  return undefined;
}

export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError)
    return new AppError(400, 'validation_failed', 'Some fields are invalid', { details: fieldErrors(err) });
  // Express's router throws a URIError (status 400) for a path param that is not valid percent-encoding.
  if (err instanceof URIError) return badRequest('Malformed URL encoding');
  return fromStorageUnavailable(err) ?? fromStorageWriteError(err) ?? fromParserError(err);
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(notFound(`Route ${req.method} ${req.path}`));
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const requestId = typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : undefined;
    const appError = toAppError(err);
    if (res.headersSent) {
      logger.error({ err, requestId }, 'error after headers were sent');
      res.end();
      return;
    }
    if (appError) {
      // Mapped server-side failures (storage full) are still the operator's problem: log them.
      if (appError.status >= 500) logger.error({ err, requestId }, appError.message);
      if (appError.headers) res.set(appError.headers);
      res.status(appError.status).json(errorBody(appError, requestId));
      return;
    }
    logger.error({ err, requestId }, 'unhandled error');
    const internal = new AppError(500, 'internal', 'Something went wrong on our side');
    res.status(500).json(errorBody(internal, requestId));
  };
}
