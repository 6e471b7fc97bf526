import { randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../app-context.ts';
import { CLOCK_TOLERANCE_SECONDS, createAccessTokens } from './auth.tokens.ts';

/** Tampering with Charla's access tokens (signed with jsonwebtoken, HS256 only). */
describe('access tokens refuse tampering', () => {
  const secret = new TextEncoder().encode('t'.repeat(48));
  let nowMs = Date.parse('2026-05-01T12:00:00Z');
  const clock: Clock = { now: () => new Date(nowMs) };
  const tokens = createAccessTokens(secret, 900, clock);
  const nowSec = () => Math.floor(nowMs / 1000);
  const claims = () => ({ sid: 's1', role: 'user', iat: nowSec(), exp: nowSec() + 900 });
  const good = { issuer: 'charla', audience: 'charla-api', subject: 'u1' };
  const signWith = (alg: jwt.Algorithm, payload: object = claims(), opts: jwt.SignOptions = good) =>
    jwt.sign(payload, Buffer.from(secret), { algorithm: alg, jwtid: randomUUID(), ...opts });
  const refused = (token: string, code = 'unauthenticated') =>
    expect(tokens.verify(token)).rejects.toMatchObject({ status: 401, code });

  it('accepts its own token and one jose signed before the switch (same secret, HS256)', async () => {
    const own = await tokens.sign({ userId: 'u1', sessionId: 's1', role: 'admin' });
    await expect(tokens.verify(own.token)).resolves.toEqual({ userId: 'u1', sessionId: 's1', role: 'admin' });
    const legacy = await new SignJWT({ sid: 's1', role: 'user' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject('u1')
      .setJti(randomUUID())
      .setIssuer('charla')
      .setAudience('charla-api')
      .setIssuedAt(nowSec())
      .setExpirationTime(nowSec() + 900)
      .sign(secret);
    await expect(tokens.verify(legacy)).resolves.toEqual({ userId: 'u1', sessionId: 's1', role: 'user' });
  });

  it('alg none', async () => {
    const unsigned = new UnsecuredJWT({ ...claims(), sid: 's1', jti: 'j' })
      .setSubject('u1')
      .setIssuer('charla')
      .setAudience('charla-api')
      .encode();
    await refused(unsigned);
    const [, payload] = (await tokens.sign({ userId: 'u1', sessionId: 's1', role: 'user' })).token.split('.');
    await refused(`${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`);
  });

  it('algorithm confusion: another HMAC strength or an asymmetric alg header with our secret', async () => {
    await refused(signWith('HS512'));
    await refused(signWith('HS384'));
    const [, payload, sig] = signWith('HS256').split('.');
    for (const alg of ['RS256', 'ES256', 'PS256', 'HS512'])
      await refused(`${Buffer.from(JSON.stringify({ alg, typ: 'JWT' })).toString('base64url')}.${payload}.${sig}`);
  });

  it('changed claims keep the old signature and fail', async () => {
    const [h, p, sig] = (await tokens.sign({ userId: 'u1', sessionId: 's1', role: 'user' })).token.split('.');
    const body = JSON.parse(Buffer.from(p ?? '', 'base64url').toString());
    for (const change of [{ role: 'admin' }, { sub: 'u2' }, { sid: 's2' }, { exp: body.exp + 86_400 }]) {
      const forged = Buffer.from(JSON.stringify({ ...body, ...change })).toString('base64url');
      await refused(`${h}.${forged}.${sig}`);
    }
  });

  it('expired (past the small tolerance) answers token_expired; within it still works', async () => {
    const { token } = await tokens.sign({ userId: 'u1', sessionId: 's1', role: 'user' });
    const issued = nowMs;
    try {
      nowMs = issued + (900 + CLOCK_TOLERANCE_SECONDS - 1) * 1000;
      await expect(tokens.verify(token)).resolves.toMatchObject({ userId: 'u1' });
      nowMs = issued + (900 + CLOCK_TOLERANCE_SECONDS + 1) * 1000;
      await refused(token, 'token_expired');
    } finally {
      nowMs = issued;
    }
  });

  it('wrong audience or issuer, missing exp, jti or subject', async () => {
    await refused(signWith('HS256', claims(), { ...good, audience: 'someone-else' }));
    await refused(signWith('HS256', claims(), { ...good, issuer: 'evil' }));
    await refused(signWith('HS256', { sid: 's1', role: 'user', iat: nowSec() }));
    await refused(jwt.sign(claims(), Buffer.from(secret), { algorithm: 'HS256', ...good }));
    await refused(signWith('HS256', claims(), { issuer: 'charla', audience: 'charla-api' }));
  });

  it('a token signed with another secret', async () => {
    await refused(jwt.sign(claims(), 'x'.repeat(48), { algorithm: 'HS256', jwtid: 'j', ...good }));
  });
});
