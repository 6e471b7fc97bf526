import type { ResolvedAddress, Resolver } from './safe-fetch.ts';
import type { SsrfReason } from './ssrf.policy.ts';

/*
 * The server-side request forgery corpus: targets a link (or a redirect from a page it links to)
 * could aim the link-preview fetcher at, each with the reason it must be refused. Used by the unit
 * tests and by the reliability suite (test/reliability/ssrf.test.ts), which reports the figures.
 */

/** Test DNS: names point wherever a case needs; nothing reaches the system resolver. */
export const ssrfZone: Record<string, ResolvedAddress[]> = {
  'site.test': [{ address: '127.0.0.1', family: 4 }],
  'public.test': [{ address: '93.184.216.34', family: 4 }],
  'metadata.test': [{ address: '169.254.169.254', family: 4 }],
  'metadata6.test': [{ address: 'fd00:ec2::254', family: 6 }],
  'private.test': [{ address: '10.0.0.5', family: 4 }],
  'private172.test': [{ address: '172.20.1.1', family: 4 }],
  'private192.test': [{ address: '192.168.0.1', family: 4 }],
  'cgnat.test': [{ address: '100.64.1.1', family: 4 }],
  'zero.test': [{ address: '0.0.0.0', family: 4 }],
  'multicast.test': [{ address: '239.1.2.3', family: 4 }],
  'broadcast.test': [{ address: '255.255.255.255', family: 4 }],
  'reserved.test': [{ address: '240.0.0.1', family: 4 }],
  'benchmark.test': [{ address: '198.18.0.1', family: 4 }],
  'v6loop.test': [{ address: '::1', family: 6 }],
  'v6unspecified.test': [{ address: '::', family: 6 }],
  'linklocal6.test': [{ address: 'fe80::1', family: 6 }],
  'ula.test': [{ address: 'fd12:3456::1', family: 6 }],
  'mapped.test': [{ address: '::ffff:127.0.0.1', family: 6 }],
  'mapped-metadata.test': [{ address: '::ffff:169.254.169.254', family: 6 }],
  'nat64.test': [{ address: '64:ff9b::a00:5', family: 6 }],
  'nat64-loop.test': [{ address: '64:ff9b::7f00:1', family: 6 }],
  '6to4.test': [{ address: '2002:7f00:1::1', family: 6 }],
  'teredo.test': [{ address: '2001::1', family: 6 }],
  'multicast6.test': [{ address: 'ff02::1', family: 6 }],
  // One public and one private answer: refused outright, not "try the public one".
  'mixed.test': [
    { address: '93.184.216.34', family: 4 },
    { address: '127.0.0.1', family: 4 },
  ],
};

export function ssrfResolver(calls?: string[]): Resolver {
  return async (hostname) => {
    calls?.push(hostname);
    const answer = ssrfZone[hostname];
    if (!answer) throw Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answer;
  };
}

export type SsrfCase = { target: string; reason: SsrfReason; what: string };

/** Targets that must never be fetched, named directly or reached through a redirect. */
export const SSRF_TARGETS: SsrfCase[] = [
  { target: 'http://169.254.169.254/latest/meta-data/', reason: 'address', what: 'cloud metadata (IPv4)' },
  { target: 'http://[fd00:ec2::254]/latest/meta-data/', reason: 'address', what: 'cloud metadata (IPv6)' },
  { target: 'http://metadata.test/', reason: 'address', what: 'name → metadata' },
  { target: 'http://metadata6.test/', reason: 'address', what: 'name → IPv6 metadata' },
  { target: 'http://127.0.0.1/', reason: 'address', what: 'loopback' },
  { target: 'http://127.1.2.3/', reason: 'address', what: 'loopback /8' },
  { target: 'http://2130706433/', reason: 'address', what: 'loopback as a decimal' },
  { target: 'http://0x7f.1/', reason: 'address', what: 'loopback as hex' },
  { target: 'http://017700000001/', reason: 'address', what: 'loopback as octal' },
  { target: 'http://[::1]/', reason: 'address', what: 'IPv6 loopback' },
  { target: 'http://[::ffff:127.0.0.1]/', reason: 'address', what: 'IPv4-mapped loopback' },
  { target: 'http://[::ffff:a9fe:a9fe]/', reason: 'address', what: 'IPv4-mapped metadata' },
  { target: 'http://[64:ff9b::a9fe:a9fe]/', reason: 'address', what: 'NAT64 metadata' },
  { target: 'http://0.0.0.0/', reason: 'address', what: 'unspecified' },
  { target: 'http://10.0.0.1/', reason: 'address', what: 'private 10/8' },
  { target: 'http://172.16.0.1/', reason: 'address', what: 'private 172.16/12' },
  { target: 'http://192.168.1.1/', reason: 'address', what: 'private 192.168/16' },
  { target: 'http://100.64.0.1/', reason: 'address', what: 'CGNAT' },
  { target: 'http://224.0.0.1/', reason: 'address', what: 'multicast' },
  { target: 'http://[fe80::1]/', reason: 'address', what: 'IPv6 link-local' },
  { target: 'http://[fc00::1]/', reason: 'address', what: 'IPv6 unique-local' },
  { target: 'http://localhost.test/', reason: 'dns', what: 'unknown name' },
  ...[
    'private',
    'private172',
    'private192',
    'cgnat',
    'zero',
    'multicast',
    'broadcast',
    'reserved',
    'benchmark',
    'v6loop',
    'v6unspecified',
    'linklocal6',
    'ula',
    'mapped',
    'mapped-metadata',
    'nat64',
    'nat64-loop',
    '6to4',
    'teredo',
    'multicast6',
    'mixed',
  ].map((name): SsrfCase => ({ target: `http://${name}.test/`, reason: 'address', what: `name → ${name}` })),
  { target: 'file:///etc/passwd', reason: 'scheme', what: 'file:' },
  { target: 'gopher://127.0.0.1:70/_x', reason: 'scheme', what: 'gopher:' },
  { target: 'ftp://public.test/', reason: 'scheme', what: 'ftp:' },
  { target: 'http://user:secret@public.test/', reason: 'credentials', what: 'credentials in the URL' },
  { target: 'http://public.test:8080/', reason: 'port', what: 'port 8080' },
  { target: 'https://public.test:22/', reason: 'port', what: 'port 22' },
  { target: 'http://93.184.216.34:6379/', reason: 'port', what: 'literal address, Redis port' },
];
