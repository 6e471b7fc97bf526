import net from 'node:net';
import path from 'node:path';
import express from 'express';
import { z } from 'zod';
import { translationConfigProblems, translationEnvShape } from './modules/translation/translation.config.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);
const url = z.url();
/** https, or plain http to this machine only (a test stand-in, a provider on a dev box). */
const providerUrl = url.refine((value) => {
  const u = new URL(value);
  const loopback = ['127.0.0.1', '[::1]', 'localhost'].includes(u.hostname);
  return !u.username && !u.password && (u.protocol === 'https:' || (u.protocol === 'http:' && loopback));
}, 'must be https (plain http only on 127.0.0.1, [::1] or localhost)');

/**
 * Express's `trust proxy`, parsed rather than passed as a string: Express reads any string as a
 * list of addresses, so "1" (one hop, the usual advice) became the address 0.0.0.1 and every client
 * shared the proxy's rate-limit bucket, and "true" crashed at start-up. A whole number is a hop
 * count, true/false a boolean; anything else must be a comma-separated list Express accepts
 * (addresses, CIDR ranges, `loopback`, `linklocal`, `uniquelocal`), checked by Express itself.
 */
export type TrustProxy = boolean | number | string[];
const trustProxy = z
  .string()
  .trim()
  .transform((raw, ctx): TrustProxy => {
    if (/^\d{1,3}$/.test(raw)) return Number(raw);
    const lower = raw.toLowerCase();
    if (lower === 'true' || lower === 'false') return lower === 'true';
    const list = raw
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    try {
      express().set('trust proxy', list);
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        message: `${err instanceof Error ? err.message : 'invalid'}; use a hop count (1), true/false, or addresses/CIDRs/loopback, comma separated`,
      });
      return z.NEVER;
    }
    return list;
  });

/** `127.0.0.1:8080`, `::1:8080`: an IP address, a colon, a port. */
function isAddressPort(value: string): boolean {
  const colon = value.lastIndexOf(':');
  const port = Number(value.slice(colon + 1));
  return colon > 0 && net.isIP(value.slice(0, colon)) !== 0 && Number.isInteger(port) && port > 0 && port < 65536;
}

/** Every environment variable the server reads. Documented in README.md and .env.example. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATA_DIR: z.string().min(1).default('.data'),
  PUBLIC_URL: url.optional(),
  /** Where browsers open the web client, when it is not served by this server (the dev server's Vite port). */
  WEB_URL: url.optional(),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Charla <no-reply@charla.local>'),
  GOOGLE_CLIENT_ID: z.string().min(1).optional(),
  GOOGLE_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_ISSUER: url.optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_NAME: z.string().min(1).default('Single sign-on'),
  /** "Sign in with GitHub" (an OAuth app; its callback is PUBLIC_URL/api/v1/auth/oidc/github/callback). */
  GITHUB_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_CLIENT_SECRET: z.string().min(1).optional(),
  /** Where GitHub's OAuth pages live (authorize, access_token); a GitHub Enterprise host, or a test stand-in. */
  GITHUB_OAUTH_URL: providerUrl.default('https://github.com'),
  /** GitHub's REST API (GET /user, /user/emails). */
  GITHUB_API_URL: providerUrl.default('https://api.github.com'),
  CORS_ORIGINS: csv.default([]),
  TLS_CERT: z.string().min(1).optional(),
  TLS_KEY: z.string().min(1).optional(),
  TRUST_PROXY: trustProxy.optional(),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(12),
  ADMIN_EMAILS: csv.default([]),
  ALLOW_UNVERIFIED_CHAT: bool.default(true),
  MEDIA_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(25 * 1024 * 1024),
  /** Uploads (files and avatars) one account may start per minute. */
  MEDIA_UPLOADS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
  /** Space databases kept open at once (an LRU; each SQLite one holds up to three files). */
  SPACE_DB_HANDLES: z.coerce.number().int().min(1).max(10_000).default(128),
  /** Bytes of uploads not yet attached to a message one account may hold (they expire after 24 h). */
  MEDIA_PENDING_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(200 * 1024 * 1024),
  CLOUDINARY_URL: z
    .string()
    .regex(/^cloudinary:\/\//, 'must start with cloudinary://')
    .optional(),
  WEB_DIST_DIR: z.string().optional(),
  /** Points: direct chats earn nothing while either account is younger than this (anti-farming with fresh accounts). */
  POINTS_DIRECT_MIN_ACCOUNT_AGE_HOURS: z.coerce.number().min(0).max(8760).default(24),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  ...translationEnvShape,
  /** Web Push (RFC 8292) key pair, base64url; set both or neither (unset: generated into DATA_DIR/vapid.json). */
  VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{87}$/, 'must be an uncompressed P-256 public key in base64url (87 characters)')
    .optional(),
  VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'must be a P-256 private key in base64url (43 characters)')
    .optional(),
  /** Contact the push services may use (RFC 8292 "sub"): a mailto: or https: URL. */
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:[^\s]+|https:\/\/[^\s]+)$/, 'must be a mailto: or https: URL')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** json (production) or pretty (short human lines); unset: pretty on a terminal outside production, else json. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /** Test-only escape hatch (the e2e server uses it); ignored unless NODE_ENV=test. */
  CHARLA_DISABLE_RATE_LIMITS: bool.default(false),
  /** Test-only: lets pushes go to a push-service stand-in on 127.0.0.1; ignored unless NODE_ENV=test. */
  CHARLA_PUSH_ALLOW_PRIVATE_HOSTS: bool.default(false),
  /** Server-side previews of links in (non-encrypted) messages. */
  LINK_PREVIEWS: bool.default(true),
  /**
   * Test-only `address:port` pairs link previews may fetch although they are private or on another
   * port (the e2e test site on 127.0.0.1); ignored unless NODE_ENV=test.
   */
  LINK_PREVIEW_TEST_ALLOW: csv
    .pipe(z.array(z.string().refine(isAddressPort, 'address:port (an IP address), comma separated')))
    .default([]),
});

export type Env = z.infer<typeof envSchema>;

export type Config = Env & {
  /** Absolute data directory. */
  dataDir: string;
  publicUrl: string;
  /** Base of links people open in a browser (mail, invites): WEB_URL, else PUBLIC_URL. */
  webUrl: string;
  tls: { cert: string; key: string } | undefined;
  /** CHARLA_DISABLE_RATE_LIMITS, honoured only under NODE_ENV=test. */
  rateLimitsDisabled: boolean;
  /** CHARLA_PUSH_ALLOW_PRIVATE_HOSTS, honoured only under NODE_ENV=test. */
  pushAllowPrivateHosts: boolean;
};

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Reads env into a typed config; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (Boolean(e.TLS_CERT) !== Boolean(e.TLS_KEY)) problems.push('TLS_CERT and TLS_KEY: set both or neither');
  if (Boolean(e.OIDC_ISSUER) !== Boolean(e.OIDC_CLIENT_ID))
    problems.push('OIDC_ISSUER and OIDC_CLIENT_ID: set both or neither');
  if (Boolean(e.GITHUB_CLIENT_ID) !== Boolean(e.GITHUB_CLIENT_SECRET))
    problems.push('GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET: set both or neither');
  problems.push(...translationConfigProblems(e));
  if (Boolean(e.VAPID_PUBLIC_KEY) !== Boolean(e.VAPID_PRIVATE_KEY))
    problems.push('VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY: set both or neither');
  if (problems.length) throw new ConfigError(problems);
  const scheme = e.TLS_CERT ? 'https' : 'http';
  const shownHost = e.HOST === '0.0.0.0' || e.HOST === '::' ? 'localhost' : e.HOST;
  const publicUrl = (e.PUBLIC_URL ?? `${scheme}://${shownHost}:${e.PORT}`).replace(/\/$/, '');
  return {
    ...e,
    dataDir: path.resolve(e.DATA_DIR),
    publicUrl,
    webUrl: (e.WEB_URL ?? publicUrl).replace(/\/$/, ''),
    tls: e.TLS_CERT && e.TLS_KEY ? { cert: e.TLS_CERT, key: e.TLS_KEY } : undefined,
    rateLimitsDisabled: e.CHARLA_DISABLE_RATE_LIMITS && e.NODE_ENV === 'test',
    pushAllowPrivateHosts: e.CHARLA_PUSH_ALLOW_PRIVATE_HOSTS && e.NODE_ENV === 'test',
  };
}
