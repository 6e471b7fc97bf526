import { describe, expect, it } from 'vitest';
import { parseRange } from './media.serve.ts';
import { createMediaTokens, MEDIA_TOKEN_TTL_MS } from './media.tokens.ts';

describe('parseRange', () => {
  it.each([
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=5-', { start: 5, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=-500', { start: 0, end: 99 }],
    ['bytes=90-1000', { start: 90, end: 99 }],
  ])('%s on 100 bytes', (header, expected) => {
    expect(parseRange(header, 100)).toEqual(expected);
  });
  it.each(['bytes=100-', 'bytes=50-10', 'bytes=-0'])('%s is unsatisfiable', (header) => {
    expect(parseRange(header, 100)).toBe('unsatisfiable');
  });
  it.each([undefined, '', 'bytes=-', 'items=0-5', 'bytes=0-1,4-5', 'bytes=a-b'])(
    '%s means the whole file',
    (header) => {
      expect(parseRange(header, 100)).toBeNull();
    },
  );
  it('an empty file satisfies no range', () => {
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
  });
});

describe('media URL tokens', () => {
  const secret = new TextEncoder().encode('x'.repeat(40));
  const tokens = createMediaTokens(secret);
  const now = new Date('2026-05-01T10:20:00Z');

  it('round-trips and is bound to id, variant and secret', () => {
    const t = tokens.sign('m1', 'original', tokens.expiryFor(now));
    expect(tokens.verify(t, 'm1', 'original', now)).toBe(true);
    expect(tokens.verify(t, 'm2', 'original', now)).toBe(false);
    expect(tokens.verify(t, 'm1', 'thumbnail', now)).toBe(false);
    const other = createMediaTokens(new TextEncoder().encode('y'.repeat(40)));
    expect(other.verify(t, 'm1', 'original', now)).toBe(false);
  });

  it('expires between one and two hours, on an hour boundary (stable URLs for caching)', () => {
    const exp = tokens.expiryFor(now);
    expect(exp.toISOString()).toBe('2026-05-01T12:00:00.000Z');
    expect(tokens.expiryFor(new Date(now.getTime() + 60_000))).toEqual(exp);
    const t = tokens.sign('m1', 'original', exp);
    expect(tokens.verify(t, 'm1', 'original', new Date(exp.getTime() - 1))).toBe(true);
    expect(tokens.verify(t, 'm1', 'original', exp)).toBe(false);
    expect(exp.getTime() - now.getTime()).toBeGreaterThanOrEqual(MEDIA_TOKEN_TTL_MS);
  });

  it('avatar tokens do not expire; forged or malformed ones are refused', () => {
    const t = tokens.sign('a1', 'original', null);
    expect(tokens.verify(t, 'a1', 'original', new Date('2099-01-01'))).toBe(true);
    // Turning an expiring token into a non-expiring one breaks the MAC.
    const expiring = tokens.sign('a1', 'original', tokens.expiryFor(now));
    expect(tokens.verify(`n.${expiring.split('.')[1]}`, 'a1', 'original', now)).toBe(false);
    for (const bad of ['', 'n', 'n.', 'zz.zz', `${t}x`, 'n.AAAAAAAAAAAAAAAAAAAAAAAA', '../../x']) {
      expect(tokens.verify(bad, 'a1', 'original', now)).toBe(false);
    }
  });
  it('message-media tokens carry a grant (viewer, via) that the MAC covers', () => {
    const exp = tokens.expiryFor(now);
    const t = tokens.sign('m1', 'original', exp, { viewerId: 'u-1', via: 'msg-2' });
    expect(tokens.check(t, 'm1', 'original', now)).toEqual({ grant: { viewerId: 'u-1', via: 'msg-2' } });
    const plain = tokens.sign('m1', 'original', exp, { viewerId: 'u-1', via: null });
    expect(tokens.check(plain, 'm1', 'original', now)).toEqual({ grant: { viewerId: 'u-1', via: null } });
    // Swapping the grantee or the message, or dropping the grant, breaks the MAC.
    const [e, , , sig] = t.split('.');
    for (const forged of [`${e}.u-9.msg-2.${sig}`, `${e}.u-1.msg-9.${sig}`, `${e}.u-1..${sig}`, `${e}.${sig}`])
      expect(tokens.check(forged, 'm1', 'original', now), forged).toBe(false);
    expect(tokens.check(t, 'm1', 'original', exp)).toBe(false);
    expect(tokens.check(tokens.sign('a1', 'original', null), 'a1', 'original', now)).toEqual({ grant: null });
    expect(() => tokens.sign('m1', 'original', exp, { viewerId: 'a.b', via: null })).toThrow();
  });
});
