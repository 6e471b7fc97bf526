import net from 'node:net';
import ipaddr from 'ipaddr.js';

/*
 * Which addresses the server may connect to when it fetches something a user named (a link in a
 * message, the preview image that page names). Anything that is not plain public unicast is refused:
 * loopback, RFC 1918 private, link-local (the cloud metadata service lives at 169.254.169.254),
 * CGNAT, multicast, broadcast, documentation/benchmark/reserved blocks, IPv6 unique-local, and the
 * IPv6 forms that smuggle an IPv4 address (IPv4-mapped/compatible, NAT64, 6to4, Teredo). ipaddr.js
 * keeps the IANA special-purpose registries; we only decide what to do with its answer.
 */

export type SsrfReason =
  | 'bad_url'
  | 'scheme'
  | 'port'
  | 'credentials'
  | 'address'
  | 'dns'
  | 'redirects'
  | 'timeout'
  | 'too_large'
  | 'content_type'
  | 'status'
  | 'network';

/** A fetch the policy refused or that failed; `reason` is what the reliability suite counts. */
export class SafeFetchError extends Error {
  readonly reason: SsrfReason;
  constructor(reason: SsrfReason, message: string) {
    super(message);
    this.name = 'SafeFetchError';
    this.reason = reason;
  }
}

/** The well-known NAT64 prefix (RFC 6052): 64:ff9b::/96 embeds a public IPv4 address in its last 32 bits. */
const NAT64 = ipaddr.parseCIDR('64:ff9b::/96');
/** Global unicast space; everything else in IPv6 is special-purpose or unallocated. */
const GLOBAL_UNICAST = ipaddr.parseCIDR('2000::/3');

/** Why an address is refused, or null when it is public unicast. */
export function refusedRange(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'invalid';
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv4') {
    const range = parsed.range();
    return range === 'unicast' ? null : range;
  }
  const v6 = parsed as ipaddr.IPv6;
  const range = v6.range();
  // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible (::a.b.c.d) reach the IPv4 host.
  if (range === 'ipv4Mapped') return refusedRange(v6.toIPv4Address().toString());
  // DNS64/NAT64 networks hand out 64:ff9b::<ipv4>: judge the IPv4 address the gateway would reach.
  if (v6.match(NAT64)) {
    const bytes = v6.toByteArray().slice(12);
    return refusedRange(bytes.join('.'));
  }
  if (range !== 'unicast') return range;
  return v6.match(GLOBAL_UNICAST) ? null : 'unallocated';
}

export type SsrfPolicyOptions = {
  /**
   * Test-only `address:port` pairs that may be reached even though they are loopback or on another
   * port (the in-process test site). Honoured only when `testMode` is true (NODE_ENV=test); a
   * production server ignores it, so a misplaced env variable cannot open the door.
   */
  allow?: Iterable<string>;
  testMode?: boolean;
};

export type SsrfPolicy = {
  /** Throws SafeFetchError unless the URL may be fetched (scheme, port, credentials, literal IPs). */
  checkUrl(url: URL): void;
  /** Throws SafeFetchError unless `address` may be connected to on `port`. */
  checkAddress(address: string, port: number): void;
};

export const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

export const portOf = (url: URL): number => (url.port ? Number(url.port) : (DEFAULT_PORTS[url.protocol] ?? 0));

/** Brackets off, so `[::1]` compares as `::1`. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

export function createSsrfPolicy(options: SsrfPolicyOptions = {}): SsrfPolicy {
  const allow = new Set(options.testMode ? [...(options.allow ?? [])] : []);
  const allowed = (address: string, port: number) => allow.has(`${address}:${port}`);
  const policy: SsrfPolicy = {
    checkUrl(url) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new SafeFetchError('scheme', `Only http and https links are fetched, not ${url.protocol}`);
      if (url.username || url.password)
        throw new SafeFetchError('credentials', 'Links with credentials in them are not fetched');
      const port = portOf(url);
      const host = hostOf(url);
      // A literal IP never goes through DNS (the socket would not call our lookup): judge it here.
      if (net.isIP(host)) policy.checkAddress(host, port);
      else if (port !== 80 && port !== 443 && allow.size === 0)
        throw new SafeFetchError('port', `Only ports 80 and 443 are fetched, not ${port}`);
    },
    checkAddress(address, port) {
      const normalised = ipaddr.isValid(address) ? ipaddr.parse(address).toString() : address;
      if (allowed(normalised, port) || allowed(address, port)) return;
      const why = refusedRange(address);
      if (why) throw new SafeFetchError('address', `Refused to connect to a ${why} address`);
      if (port !== 80 && port !== 443)
        throw new SafeFetchError('port', `Only ports 80 and 443 are fetched, not ${port}`);
    },
  };
  return policy;
}
