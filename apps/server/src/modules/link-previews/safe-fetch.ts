import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { createSsrfPolicy, portOf, SafeFetchError, type SsrfPolicy } from './ssrf.policy.ts';

/*
 * Fetching a URL a user typed, without letting that user aim the server at itself or its network.
 *
 * - Every connection resolves the host through `lookup` on the socket itself, checks EVERY answer
 *   and hands the socket only checked addresses: the address connected to is the one that was
 *   checked, so a DNS answer that changes between check and connect (rebinding) changes nothing.
 *   Literal IPs skip DNS, so `policy.checkUrl` judges them before any socket exists.
 * - Redirects are followed by hand (at most 3), each hop checked as a new URL.
 * - One deadline for the whole fetch (all hops and the body), a byte cap while the body arrives,
 *   an allow-list of content types, no cookies, no credentials, no compression (a tiny gzip body
 *   must not inflate past the cap), and a fresh connection pool per fetch that is closed after it.
 */

export type ResolvedAddress = { address: string; family: 4 | 6 };
/** DNS in one function, so tests can point names anywhere without touching the system resolver. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => {
  const answers = await dns.promises.lookup(hostname, { all: true, order: 'verbatim' });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

export const FETCH_LIMITS = {
  /** Whole fetch: DNS, connects, redirects and body. */
  timeoutMs: 5_000,
  maxBytes: 1024 * 1024,
  maxRedirects: 3,
};

export type FetchKind = 'html' | 'image' | 'json';

const ACCEPT: Record<FetchKind, { header: string; types: readonly string[] }> = {
  html: { header: 'text/html,application/xhtml+xml;q=0.9', types: ['text/html', 'application/xhtml+xml'] },
  image: {
    header: 'image/webp,image/png,image/jpeg,image/gif',
    types: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
  },
  // oEmbed endpoints answer JSON (the page named the endpoint; it goes through the same checks).
  json: { header: 'application/json', types: ['application/json', 'application/json+oembed', 'text/json'] },
};

export type FetchedResource = {
  /** After redirects. */
  url: URL;
  /** Lower-case media type without parameters. */
  contentType: string;
  charset: string | null;
  body: Buffer;
  redirects: number;
};

export type SafeFetcherOptions = {
  resolver?: Resolver;
  policy?: SsrfPolicy;
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  userAgent?: string;
};

export type SafeFetcher = {
  /** Throws SafeFetchError (never anything else) when refused or failed. `signal` ends it early. */
  fetch(url: string | URL, kind: FetchKind, options?: { signal?: AbortSignal }): Promise<FetchedResource>;
  readonly policy: SsrfPolicy;
};

function parseContentType(header: string | string[] | undefined): { type: string; charset: string | null } {
  const raw = Array.isArray(header) ? header[0] : header;
  if (!raw) return { type: '', charset: null };
  const [type = '', ...params] = raw.split(';');
  const charset = params
    .map((p) => p.trim().split('='))
    .find(([k]) => k?.toLowerCase() === 'charset')?.[1]
    ?.replace(/^"|"$/g, '');
  return { type: type.trim().toLowerCase(), charset: charset ?? null };
}

/** A socket lookup that resolves through `resolver` and refuses unless every answer passes. */
function checkedLookup(resolver: Resolver, policy: SsrfPolicy, port: number, onRefused: (e: SafeFetchError) => void) {
  const lookup: LookupFunction = (hostname, options, callback) => {
    resolver(hostname).then(
      (answers) => {
        try {
          if (answers.length === 0) throw new SafeFetchError('dns', `${hostname} has no address`);
          // All, not any: a name answering one public and one private address is refused outright.
          for (const a of answers) policy.checkAddress(a.address, port);
          const wanted = options.family === 4 || options.family === 6 ? options.family : 0;
          const usable = wanted ? answers.filter((a) => a.family === wanted) : answers;
          if (usable.length === 0) throw new SafeFetchError('dns', `${hostname} has no IPv${wanted} address`);
          if (options.all) callback(null, usable);
          else callback(null, (usable[0] as ResolvedAddress).address, (usable[0] as ResolvedAddress).family);
        } catch (err) {
          if (err instanceof SafeFetchError) onRefused(err);
          callback(err as NodeJS.ErrnoException, '', 4);
        }
      },
      () => {
        const err = new SafeFetchError('dns', `${hostname} could not be resolved`);
        onRefused(err);
        callback(err as unknown as NodeJS.ErrnoException, '', 4);
      },
    );
  };
  return lookup;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

type FetchSettings = {
  resolver: Resolver;
  policy: SsrfPolicy;
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  userAgent: string;
};
type HopResponse = Awaited<ReturnType<typeof request>>;

/** One hop: connects (checked), sends a bare GET and returns the status, headers and the body stream. */
async function hop(s: FetchSettings, url: URL, kind: FetchKind, signal: AbortSignal) {
  s.policy.checkUrl(url);
  let refused: SafeFetchError | null = null;
  const agent = new Agent({
    connect: {
      lookup: checkedLookup(s.resolver, s.policy, portOf(url), (e) => {
        refused = e;
      }),
      timeout: s.timeoutMs,
    },
    // One request per pool: no keep-alive socket survives into the next hop or the next fetch.
    pipelining: 0,
    allowH2: false,
  });
  try {
    const res = await request(url, {
      method: 'GET',
      dispatcher: agent,
      signal,
      headers: {
        'user-agent': s.userAgent,
        accept: ACCEPT[kind].header,
        'accept-encoding': 'identity',
        // Some servers refuse requests without one; never send cookies or authorization.
        'accept-language': 'en,es;q=0.8',
      },
      headersTimeout: s.timeoutMs,
      bodyTimeout: s.timeoutMs,
    });
    return { res, agent };
  } catch (err) {
    await agent.destroy().catch(() => {});
    if (refused) throw refused;
    throw err;
  }
}

async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(err?: Error): unknown },
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw new SafeFetchError('too_large', `The response is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Where a redirect points (resolved against the current URL), or null when `res` is not one. */
async function redirectTarget(res: HopResponse, url: URL, redirects: number, maxRedirects: number) {
  if (!REDIRECTS.has(res.statusCode)) return null;
  await res.body.dump().catch(() => {});
  const location = res.headers.location;
  const target = Array.isArray(location) ? location[0] : location;
  if (!target) throw new SafeFetchError('status', `A ${res.statusCode} without a Location`);
  if (redirects >= maxRedirects) throw new SafeFetchError('redirects', `More than ${maxRedirects} redirects`);
  try {
    return new URL(target, url);
  } catch {
    throw new SafeFetchError('bad_url', 'A redirect to something that is not a URL');
  }
}

/** The body of a final answer, when its status, type and size are acceptable. */
async function acceptedBody(res: HopResponse, kind: FetchKind, maxBytes: number) {
  if (res.statusCode < 200 || res.statusCode > 299) {
    await res.body.dump().catch(() => {});
    throw new SafeFetchError('status', `The site answered ${res.statusCode}`);
  }
  const { type, charset } = parseContentType(res.headers['content-type']);
  if (!ACCEPT[kind].types.includes(type)) {
    res.body.destroy();
    throw new SafeFetchError('content_type', `Not fetched: ${type || 'no content type'}`);
  }
  const declared = Number(res.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    res.body.destroy();
    throw new SafeFetchError('too_large', `The response is larger than ${maxBytes} bytes`);
  }
  return { contentType: type, charset, body: await readCapped(res.body, maxBytes) };
}

async function run(s: FetchSettings, start: URL, kind: FetchKind, signal: AbortSignal): Promise<FetchedResource> {
  let url = start;
  for (let redirects = 0; ; redirects++) {
    const { res, agent } = await hop(s, url, kind, signal);
    try {
      const next = await redirectTarget(res, url, redirects, s.maxRedirects);
      if (next) {
        url = next;
        continue;
      }
      return { url, ...(await acceptedBody(res, kind, s.maxBytes)), redirects };
    } finally {
      await agent.destroy().catch(() => {});
    }
  }
}

/** Any failure as a SafeFetchError with a reason the callers and the corpus know. */
function asFetchError(err: unknown, signal: AbortSignal, timeoutMs: number): SafeFetchError {
  if (err instanceof SafeFetchError) return err;
  if (signal.aborted) return new SafeFetchError('timeout', `Gave up after ${timeoutMs} ms`);
  const code = (err as { code?: string }).code;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT')
    return new SafeFetchError('timeout', `Gave up after ${timeoutMs} ms`);
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof SafeFetchError) return cause;
  return new SafeFetchError('network', `Could not fetch: ${code ?? (err as Error).message}`);
}

export function createSafeFetcher(options: SafeFetcherOptions = {}): SafeFetcher {
  const s: FetchSettings = {
    resolver: options.resolver ?? systemResolver,
    policy: options.policy ?? createSsrfPolicy(),
    timeoutMs: options.timeoutMs ?? FETCH_LIMITS.timeoutMs,
    maxBytes: options.maxBytes ?? FETCH_LIMITS.maxBytes,
    maxRedirects: options.maxRedirects ?? FETCH_LIMITS.maxRedirects,
    userAgent: options.userAgent ?? 'CharlaLinkPreview/1.0 (+link previews for a messenger)',
  };
  return {
    policy: s.policy,
    async fetch(input, kind, opts = {}) {
      let url: URL;
      try {
        url = typeof input === 'string' ? new URL(input) : input;
      } catch {
        throw new SafeFetchError('bad_url', 'Not a URL');
      }
      const deadline = AbortSignal.timeout(s.timeoutMs);
      const signal = opts.signal ? AbortSignal.any([deadline, opts.signal]) : deadline;
      try {
        return await run(s, url, kind, signal);
      } catch (err) {
        throw asFetchError(err, signal, s.timeoutMs);
      }
    },
  };
}
