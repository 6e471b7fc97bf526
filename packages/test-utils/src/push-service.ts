/**
 * A local stand-in for a Web Push service (FCM, Mozilla autopush, Apple), for tests: real crypto on
 * both sides. It hands out subscriptions whose keys it holds like a browser would (a P-256 key pair
 * and a 16-byte auth secret), and for every push it receives it
 * - verifies the VAPID JWT (RFC 8292): ES256 signature with the key in `k=`, audience = this origin,
 *   expiry in the future and at most 24 h ahead, a mailto:/https: subject, and `k` = the expected key;
 * - decrypts the aes128gcm body (RFC 8291 + RFC 8188) with the subscription's private key and auth
 *   secret, using node:crypto ECDH and HKDF;
 * - answers what the test told it (201 by default; 404, 410, 429 with Retry-After, 5xx, or holds the
 *   request without answering, like a push service that hangs).
 * Anything that does not verify is answered 400/401 and recorded in `errors`.
 */
import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, randomUUID, verify } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { generate } from 'selfsigned';

export type StandInTls = { key: string; cert: string };

/** A self-signed certificate for 127.0.0.1 and localhost (trust it with `ca`, or NODE_EXTRA_CA_CERTS). */
export async function createStandInTls(): Promise<StandInTls> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 7 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** Writes (once) and reads back a certificate at `dir`/{key,cert}.pem, so separate processes share it. */
export async function standInTlsAt(dir: string): Promise<StandInTls> {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  if (!fs.existsSync(certFile)) {
    const tls = await createStandInTls();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(keyFile, tls.key, { mode: 0o600 });
    fs.writeFileSync(certFile, tls.cert);
  }
  return { key: fs.readFileSync(keyFile, 'utf8'), cert: fs.readFileSync(certFile, 'utf8') };
}

export type StandInSubscription = {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
};

export type Delivery = {
  subscriptionId: string;
  /** The decrypted payload, parsed as JSON when it is JSON. */
  payload: unknown;
  text: string;
  ttl: number | null;
  urgency: string | null;
  topic: string | null;
  claims: { aud: string; exp: number; sub: string };
  /** What the stand-in answered. */
  status: number;
  at: number;
};

export type Answer = { status: number; headers?: Record<string, string> } | 'hold';
/** Decides the answer to one verified push (the n-th this stand-in received, from 1). */
export type Responder = (push: { subscriptionId: string; n: number; payload: unknown }) => Answer;

type Keys = { ecdh: ReturnType<typeof createECDH>; publicKey: Buffer; auth: Buffer };

const b64u = (b: Buffer) => b.toString('base64url');

function fail(status: number, message: string): never {
  throw Object.assign(new Error(message), { status });
}

/** RFC 8292 §2–3: `Authorization: vapid t=<JWT>, k=<key>`, ES256 over the JWS signing input. */
export function verifyVapid(
  header: string | undefined,
  audience: string,
  expectedKey: string | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
): { claims: Delivery['claims']; key: string } {
  const m = header?.match(/^vapid t=([A-Za-z0-9_.-]+), ?k=([A-Za-z0-9_-]+)$/);
  if (!m?.[1] || !m[2]) fail(401, `Authorization is not "vapid t=…, k=…": ${header ?? '(none)'}`);
  const [token, key] = [m[1], m[2]];
  const [h, p, s] = token.split('.');
  if (!h || !p || !s) fail(401, 'JWT is not three parts');
  const jwtHeader = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string; typ?: string };
  if (jwtHeader.alg !== 'ES256') fail(401, `JWT alg ${jwtHeader.alg} is not ES256`);
  const raw = Buffer.from(key, 'base64url');
  if (raw.length !== 65 || raw[0] !== 4) fail(401, 'k is not an uncompressed P-256 public key');
  const publicKey = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64u(raw.subarray(1, 33)), y: b64u(raw.subarray(33, 65)) },
    format: 'jwk',
  });
  const signature = Buffer.from(s, 'base64url');
  if (!verify('sha256', Buffer.from(`${h}.${p}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature))
    fail(401, 'JWT signature does not verify with k');
  if (expectedKey && key !== expectedKey) fail(401, 'k is not the application server key of the subscription');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Partial<Delivery['claims']>;
  if (claims.aud !== audience) fail(401, `JWT aud ${claims.aud} is not ${audience}`);
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) fail(401, 'JWT expired');
  if (claims.exp > nowSeconds + 24 * 3600 + 60) fail(401, 'JWT expires more than 24 hours ahead');
  if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub))
    fail(401, 'JWT sub is not a mailto: or https: URL');
  return { claims: { aud: claims.aud, exp: claims.exp, sub: claims.sub }, key };
}

/** RFC 8291 §3.4 + RFC 8188 §2: decrypts one aes128gcm push body with the user agent's keys. */
export function decryptAes128gcm(body: Buffer, keys: Keys): Buffer {
  if (body.length < 21) fail(400, 'body too short for an aes128gcm header');
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idLen = body[20] ?? 0;
  if (idLen !== 65) fail(400, `keyid is ${idLen} bytes, not an uncompressed P-256 key`);
  const asPublic = body.subarray(21, 21 + idLen);
  const ciphertext = body.subarray(21 + idLen);
  if (ciphertext.length > rs || ciphertext.length < 17) fail(400, 'expected exactly one record');
  const ecdhSecret = keys.ecdh.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), keys.publicKey, asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', ecdhSecret, keys.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last (only) record ends with the delimiter 0x02, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) fail(400, 'missing the last-record delimiter');
  return padded.subarray(0, end);
}

export type PushServiceStandIn = {
  origin: string;
  /** A new browser-side subscription (keys held here). */
  subscribe(): StandInSubscription;
  /** Every verified push, in order. */
  deliveries: Delivery[];
  /** Pushes that did not verify (wrong JWT, bad encryption…). Tests expect none. */
  errors: string[];
  /** Requests currently held without an answer. */
  held(): number;
  /** The answer to the next pushes: a fixed status, a function, or 'hold'. */
  respond(answer: Answer | Responder): void;
  /** Resolves once `n` pushes were delivered (answered 2xx) in total. */
  waitForDelivered(n: number, timeoutMs?: number): Promise<Delivery[]>;
  close(): Promise<void>;
};

/** A browser-side subscription: a P-256 key pair and an auth secret the stand-in keeps. */
function newSubscription(origin: string, subscriptions: Map<string, Keys>): StandInSubscription {
  const ecdh = createECDH('prime256v1');
  const publicKey = ecdh.generateKeys();
  const auth = randomBytes(16);
  const id = randomUUID();
  subscriptions.set(id, { ecdh, publicKey, auth });
  return { id, endpoint: `${origin}/push/${id}`, keys: { p256dh: b64u(publicKey), auth: b64u(auth) } };
}

/** The payload parsed as JSON when it is JSON, else the text. */
function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Starts the stand-in on 127.0.0.1 over HTTPS. `vapidPublicKey`: the application server key every
 * push must be signed with (omit to accept any valid key).
 */
export async function startPushServiceStandIn(
  options: { tls?: StandInTls; vapidPublicKey?: string; port?: number } = {},
): Promise<PushServiceStandIn> {
  const tls = options.tls ?? (await createStandInTls());
  const subscriptions = new Map<string, Keys>();
  const deliveries: Delivery[] = [];
  const errors: string[] = [];
  const holding = new Set<import('node:http').ServerResponse>();
  let responder: Responder = () => ({ status: 201 });
  let received = 0;
  const waiters = new Set<() => void>();
  let origin = '';

  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const id = req.url?.match(/^\/push\/([A-Za-z0-9-]+)$/)?.[1];
        const keys = id ? subscriptions.get(id) : undefined;
        if (req.method !== 'POST' || !id || !keys) {
          res.writeHead(404).end();
          return;
        }
        const { claims } = verifyVapid(req.headers.authorization, origin, options.vapidPublicKey);
        if (req.headers['content-encoding'] !== 'aes128gcm') fail(400, 'Content-Encoding is not aes128gcm');
        const ttl = req.headers.ttl === undefined ? null : Number(req.headers.ttl);
        if (ttl === null || !Number.isInteger(ttl) || ttl < 0) fail(400, 'TTL header missing or invalid');
        const text = decryptAes128gcm(Buffer.concat(chunks), keys).toString('utf8');
        const payload = jsonOrText(text);
        received += 1;
        const answer = responder({ subscriptionId: id, n: received, payload });
        if (answer === 'hold') {
          holding.add(res);
          res.on('close', () => holding.delete(res));
          return;
        }
        const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : null);
        const at = Date.now();
        const { status } = answer;
        deliveries.push({
          subscriptionId: id,
          payload,
          text,
          ttl,
          urgency: header('urgency'),
          topic: header('topic'),
          claims,
          status,
          at,
        });
        res.writeHead(answer.status, answer.headers ?? {}).end();
        for (const w of waiters) w();
      } catch (err) {
        const status = (err as { status?: number }).status ?? 400;
        errors.push(err instanceof Error ? err.message : String(err));
        if (!res.headersSent) res.writeHead(status).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ok = () => deliveries.filter((d) => d.status >= 200 && d.status < 300);

  return {
    origin,
    deliveries,
    errors,
    subscribe: () => newSubscription(origin, subscriptions),
    held: () => holding.size,
    respond(answer) {
      responder = typeof answer === 'function' ? answer : () => answer;
    },
    waitForDelivered(n, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (ok().length < n) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve(ok());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`only ${ok().length} of ${n} pushes delivered; errors: ${errors.join('; ') || 'none'}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async close() {
      for (const res of holding) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
