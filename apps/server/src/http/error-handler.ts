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

export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError)
    return new AppError(400, 'validation_failed', 'Some fields are invalid', { details: fieldErrors(err) });
  // Express's router throws a URIError (status 400) for a path param that is not valid percent-encoding.
  if (err instanceof URIError) return badRequest('Malformed URL encoding');
  return fromParserError(err);
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
      if (appError.headers) res.set(appError.headers);
      res.status(appError.status).json(errorBody(appError, requestId));
      return;
    }
    logger.error({ err, requestId }, 'unhandled error');
    const internal = new AppError(500, 'internal', 'Something went wrong on our side');
    res.status(500).json(errorBody(internal, requestId));
  };
}
