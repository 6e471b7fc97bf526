import dns from 'node:dns';
import https from 'node:https';
import net from 'node:net';
import type { Duplex } from 'node:stream';

/*
 * A push subscription's endpoint is a URL the browser chose, so to the server it is user input it will
 * POST to: without care that is a server-side request forgery. Endpoints must be https on port 443 of
 * a public address, checked when subscribing and again on every connection (a name may resolve to a
 * private address later: DNS rebinding). Tests point pushes at a stand-in on 127.0.0.1, which only
 * CHARLA_PUSH_ALLOW_PRIVATE_HOSTS under NODE_ENV=test allows.
 */

const blocked = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(network, prefix, 'ipv6');

/** Loopback, private, link-local, multicast, documentation and other non-public addresses. */
export function isPrivateAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const lower = address.toLowerCase();
  // IPv4-mapped (::ffff:a.b.c.d or ::ffff:hhhh:hhhh) and NAT64 forms hide an IPv4 address.
  const mapped = lower.match(/^(?:::ffff:|64:ff9b::)(\d{1,3}(?:\.\d{1,3}){3})$/)?.[1];
  if (mapped) return blocked.check(mapped, 'ipv4');
  const hex = lower.match(/^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/);
  if (hex?.[1] && hex[2]) {
    const n = (Number.parseInt(hex[1], 16) << 16) | Number.parseInt(hex[2], 16);
    return blocked.check([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'), 'ipv4');
  }
  return blocked.check(address, 'ipv6');
}

export type EndpointCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** Whether the server may POST pushes to this endpoint (the address is checked again when connecting). */
export function checkEndpoint(endpoint: string, allowPrivate: boolean): EndpointCheck {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.protocol !== 'https:') return { ok: false, reason: 'must be https' };
  if (url.username || url.password) return { ok: false, reason: 'must not carry credentials' };
  if (url.hash) return { ok: false, reason: 'must not have a fragment' };
  if (allowPrivate) return { ok: true, url };
  if (url.port && url.port !== '443') return { ok: false, reason: 'must use port 443' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host) ? isPrivateAddress(host) : !host.includes('.') || /\.(localhost|local|internal)$/i.test(host))
    return { ok: false, reason: 'must be a public host' };
  return { ok: true, url };
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/** dns.lookup that refuses names resolving to a non-public address. */
export function publicOnlyLookup(hostname: string, options: dns.LookupOptions, callback: LookupCallback): void {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad || addresses.length === 0) {
      const refusal: NodeJS.ErrnoException = new Error(`push endpoint ${hostname} resolves to a non-public address`);
      refusal.code = 'EPUSHPRIVATE';
      return callback(refusal, []);
    }
    if (options.all) return callback(null, addresses);
    const [first] = addresses;
    return callback(null, first?.address ?? '', first?.family);
  });
}

export type PushAgentOptions = {
  allowPrivate: boolean;
  /** A push service's connection (and answer) may take this long at most. */
  deadlineMs?: number;
  /** Answers longer than this are cut off: a hostile endpoint must not fill memory. */
  maxResponseBytes?: number;
  /** Extra trusted CA certificates (tests: the stand-in's self-signed certificate). */
  ca?: string | Buffer;
};

/**
 * The HTTPS agent pushes go through: public addresses only (unless allowed), one connection per push
 * with a hard deadline and a cap on what the push service may send back.
 */
export function createPushAgent(options: PushAgentOptions): https.Agent {
  const deadlineMs = options.deadlineMs ?? 12_000;
  const maxBytes = options.maxResponseBytes ?? 64 * 1024;
  const agent = new https.Agent({
    keepAlive: false,
    ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup as unknown as typeof dns.lookup }),
    ...(options.ca ? { ca: options.ca } : {}),
  });
  const create = agent.createConnection.bind(agent) as (...args: unknown[]) => Duplex;
  (agent as unknown as { createConnection: (...args: unknown[]) => Duplex }).createConnection = (...args) => {
    const socket = create(...args);
    const timer = setTimeout(() => socket.destroy(new Error('push service answered too slowly')), deadlineMs);
    timer.unref();
    let received = 0;
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) socket.destroy(new Error('push service answer too large'));
    });
    socket.once('close', () => clearTimeout(timer));
    return socket;
  };
  return agent;
}
