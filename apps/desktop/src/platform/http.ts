import { API_PREFIX, successEnvelopeSchema } from '@charla/shared-types';
import type { z } from 'zod';
import { ApiError, errorFromBody } from './errors.ts';

export type HttpRequest = {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
};

/**
 * One HTTP round trip against `/api/v1`: JSON in, envelope out, parsed with zod.
 * Rejects with ApiError (code 'network' when the server was not reached at all).
 */
export async function httpJson<S extends z.ZodType>(
  base: string,
  path: string,
  schema: S,
  req: HttpRequest = {},
): Promise<z.infer<S>> {
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${base}${API_PREFIX}${path}`, {
      method: req.method ?? 'GET',
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      credentials: 'include',
      signal: req.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError('network', 0, 'The server is not reachable');
  }
  return readJson(res, schema);
}

/** A response as httpJson reads it: the envelope's data parsed with zod, or the ApiError it carries. */
export async function readJson<S extends z.ZodType>(res: Response, schema: S): Promise<z.infer<S>> {
  const body: unknown = res.status === 204 ? null : await res.json().catch(() => undefined);
  if (!res.ok) throw errorFromBody(res.status, body);
  // sendEmpty-style replies carry no `data`: validate undefined against the schema then.
  const envelope = successEnvelopeSchema(schema.optional()).safeParse(body);
  const parsed = envelope.success ? schema.safeParse(envelope.data.data) : envelope;
  if (!parsed.success) throw new ApiError('bad_response', res.status, 'The server sent an unexpected response');
  return parsed.data as z.infer<S>;
}
