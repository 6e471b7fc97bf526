import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
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

export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError)
    return new AppError(400, 'validation_failed', 'Some fields are invalid', { details: fieldErrors(err) });
  // Express's router throws a URIError (status 400) for a path param that is not valid percent-encoding.
  if (err instanceof URIError) return badRequest('Malformed URL encoding');
  return fromStorageWriteError(err) ?? fromParserError(err);
}

const CLIENT_GONE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);
const clientGone = (err: unknown) =>
  typeof err === 'object' && err !== null && CLIENT_GONE.has(String((err as { code?: unknown }).code));

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(notFound(`Route ${req.method} ${req.path}`));
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const requestId = typeof req.id === 'string' || typeof req.id === 'number' ? String(req.id) : undefined;
    const appError = toAppError(err);
    if (res.headersSent) {
      // The client went away mid-answer (a reload, a closed tab): nothing failed on our side.
      if (res.destroyed || clientGone(err)) logger.debug({ err, requestId }, 'client went away');
      else logger.error({ err, requestId }, 'error after headers were sent');
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
