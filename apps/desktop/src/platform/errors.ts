import { type ClientErrorCode, errorEnvelopeSchema, type FieldErrors } from '@charla/shared-types';

export type { ClientErrorCode } from '@charla/shared-types';

/** Every failed API call rejects with this; callers switch on `code`, never on `message`. */
export class ApiError extends Error {
  readonly code: ClientErrorCode;
  readonly status: number;
  readonly details: FieldErrors | undefined;
  /** Seconds the server asked us to wait before retrying (429, 503), when it said. */
  readonly retryAfter: number | undefined;

  constructor(code: ClientErrorCode, status: number, message: string, details?: FieldErrors, retryAfter?: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
    this.retryAfter = retryAfter;
  }
}

export function isApiError(e: unknown, code?: ClientErrorCode): e is ApiError {
  return e instanceof ApiError && (code === undefined || e.code === code);
}

/** Builds the ApiError for a non-2xx response body; tolerates bodies that are not our envelope. */
export function errorFromBody(status: number, body: unknown): ApiError {
  const parsed = errorEnvelopeSchema.safeParse(body);
  if (parsed.success)
    return new ApiError(parsed.data.code, status, parsed.data.message, parsed.data.details, parsed.data.retryAfter);
  if (status === 404) return new ApiError('not_found', status, 'Not found');
  return new ApiError(status >= 500 ? 'internal' : 'bad_response', status, `Unexpected response (${status})`);
}
