import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { StorageUnavailableError } from '../storage/errors.ts';
import { errorBody } from './envelope.ts';
import { AppError, badRequest, notFound, payloadTooLarge } from './errors.ts';
import { fieldErrors } from './validate.ts';

const unsupportedEncoding = () =>
  new AppError(415, 'unsupported_media_type', 'Unsupported body encoding (Content-Encoding or charset)');

/**
 * Maps failures of the HTTP plumbing to client errors. body-parser/raw-body errors carry a `type`;
 * anything built with http-errors carries `status`/`statusCode`. A body labelled gzip/deflate/br
 * that does not decompress arrives as zlib's own error wrapped with status 400 and no `type`, which
 * used to fall through to a logged 500. Every 4xx from below the routes is the client's doing.
 */
function fromParserError(err: unknown): AppError | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { type, status, statusCode, code } = err as {
    type?: unknown;
    status?: unknown;
    statusCode?: unknown;
    code?: unknown;
  };
  if (type === 'entity.too.large') return payloadTooLarge('Request body is too large');
  if (type === 'entity.parse.failed') return badRequest('Request body is not valid JSON');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return unsupportedEncoding();
  if (type === 'request.aborted') return badRequest('Request was aborted');
  const httpStatus = typeof status === 'number' ? status : typeof statusCode === 'number' ? statusCode : undefined;
  if (httpStatus === undefined || httpStatus < 400 || httpStatus >= 500) return undefined;
  if (httpStatus === 413) return payloadTooLarge('Request body is too large');
  if (httpStatus === 415) return unsupportedEncoding();
  if (typeof code === 'string' && code.startsWith('Z_'))
    return badRequest('Request body does not match its Content-Encoding (it does not decompress)');
  return badRequest('Malformed request');
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

/** The client went away mid-request or mid-response (sendFile, static files, aborted uploads). */
const CLIENT_GONE = new Set(['ECONNABORTED', 'ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);
function clientWentAway(err: unknown, res: { destroyed?: boolean }): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  // Not `req.destroyed`: a request whose body was fully read is destroyed too, and still gets an answer.
  return (typeof code === 'string' && CLIENT_GONE.has(code)) || res.destroyed === true;
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(notFound(`Route ${req.method} ${req.path}`));
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const requestId = typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : undefined;
    const appError = toAppError(err);
    // Nobody is left to answer, and a closed tab is not a server error.
    if (!appError && clientWentAway(err, res)) {
      logger.debug({ err, requestId }, 'client went away');
      if (!res.writableEnded) res.end();
      return;
    }
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
