import { setTimeout as sleep } from 'node:timers/promises';
import { TranslationProviderError } from './translation.provider.ts';

export type RetryPolicy = {
  /** Further attempts after the first (0 = no retry). */
  maxRetries: number;
  /** First backoff; doubled each retry, with jitter. */
  baseDelayMs: number;
  /** Longest single wait; a Retry-After beyond it fails at once rather than hold the reader. */
  maxDelayMs: number;
  /** Per attempt. */
  timeoutMs: number;
};

export const defaultRetryPolicy: RetryPolicy = { maxRetries: 2, baseDelayMs: 500, maxDelayMs: 8000, timeoutMs: 15_000 };

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const s = header.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const retryable = (status: number): boolean => status === 429 || status >= 500;

/**
 * One HTTP call with retries on 429 and 5xx (and network failures): waits what Retry-After asks
 * when the provider says, else exponential backoff with jitter. Returns the last response (callers
 * map its status), or throws TranslationProviderError('unavailable') when no response came at all.
 */
export async function fetchWithRetry(
  url: string,
  init: RequestInit,
  policy: RetryPolicy,
  fetchImpl: typeof fetch = fetch,
): Promise<Response> {
  let attempt = 0;
  for (;;) {
    let res: Response | undefined;
    let failure: unknown;
    try {
      res = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(policy.timeoutMs) });
    } catch (err) {
      failure = err;
    }
    if (res && !retryable(res.status)) return res;
    const asked = res ? retryAfterMs(res.headers.get('retry-after')) : undefined;
    const backoff = policy.baseDelayMs * 2 ** attempt * (0.75 + Math.random() * 0.5);
    const wait = asked ?? backoff;
    if (attempt >= policy.maxRetries || wait > policy.maxDelayMs) {
      if (res) return res;
      throw new TranslationProviderError(
        'unavailable',
        `Translation provider unreachable: ${failure instanceof Error ? failure.message : String(failure)}`,
      );
    }
    // The body of a response we will not read still holds the socket.
    await res?.body?.cancel().catch(() => undefined);
    await sleep(wait);
    attempt += 1;
  }
}

/** JSON body or undefined (providers send HTML error pages too). */
export async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
