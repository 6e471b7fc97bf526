import { describe, expect, it } from 'vitest';
import { parseHash, parseLocation, type Route, routeToHash } from './router.tsx';

describe('router', () => {
  it('reads path-style links from emails and invites', () => {
    expect(parseLocation('/invite/AbC_123-x', '', '')).toEqual({ name: 'invite', code: 'AbC_123-x' });
    expect(parseLocation('/reset-password', '?token=t0k3n', '')).toEqual({ name: 'reset', token: 't0k3n' });
    expect(parseLocation('/verify-email', '?token=abc', '')).toEqual({ name: 'verify', token: 'abc' });
    expect(parseLocation('/complete-signup', '?token=s1gn', '')).toEqual({ name: 'completeSignUp', token: 's1gn' });
    // The missed-message email's "Stop these emails" link.
    expect(parseLocation('/unsubscribe', '?token=u5', '')).toEqual({ name: 'unsubscribe', token: 'u5' });
    expect(parseLocation('/invite/<script>', '', '#/settings')).toEqual({ name: 'settings' });
    expect(parseLocation('/u/ana.b_1', '', '')).toEqual({ name: 'profile', username: 'ana.b_1' });
    expect(parseLocation('/u/no', '', '')).toEqual({ name: 'home' });
    expect(parseLocation('/u/a%2Fb', '', '')).toEqual({ name: 'home' });
    expect(parseLocation('/channel/3f2a-b_9', '', '')).toEqual({ name: 'home', conversationId: '3f2a-b_9' });
    expect(parseLocation('/channel/%3Cx%3E', '', '#/settings')).toEqual({ name: 'settings' });
  });

  it('round-trips hash routes', () => {
    for (const r of [
      { name: 'home' as const },
      { name: 'home' as const, conversationId: 'c 1', seq: 42 },
      { name: 'invite' as const, code: 'abc' },
      { name: 'reset' as const, token: 'a&b' },
      { name: 'completeSignUp' as const, token: 'x=y' },
      { name: 'settings' as const },
    ]) {
      expect(parseHash(routeToHash(r))).toEqual(r);
    }
  });

  it('round-trips every route, whatever characters its parts hold', () => {
    const odd = 'a/b?c#d&e=f%20g ñ';
    const all: Route[] = [
      { name: 'home' },
      { name: 'home', conversationId: odd },
      { name: 'home', conversationId: 'c1', seq: 7 },
      { name: 'home', conversationId: odd, seq: 7, space: 'sp-1' },
      { name: 'login' },
      { name: 'register' },
      { name: 'forgot' },
      { name: 'reset', token: odd },
      { name: 'verify', token: odd },
      { name: 'unsubscribe', token: odd },
      { name: 'invite', code: odd },
      { name: 'profile', username: odd },
      { name: 'space', slug: odd },
      { name: 'spaceInvite', slug: odd, code: odd },
      { name: 'settings' },
      { name: 'admin' },
      { name: 'server' },
    ];
    for (const r of all) expect(parseHash(routeToHash(r))).toEqual(r);
  });

  it('reads space links, before the group-invite rule that would also match them', () => {
    expect(parseLocation('/s/book-club', '', '')).toEqual({ name: 'space', slug: 'book-club' });
    expect(parseLocation('/s/book-club/', '', '')).toEqual({ name: 'space', slug: 'book-club' });
    expect(parseLocation('/s/book-club/invite/Ab_9-x', '', '')).toEqual({
      name: 'spaceInvite',
      slug: 'book-club',
      code: 'Ab_9-x',
    });
    // Not a slug (upper case, too short, a slash inside): the path is ignored, the hash decides.
    expect(parseLocation('/s/Book', '', '')).toEqual({ name: 'home' });
    expect(parseLocation('/s/ab', '', '#/settings')).toEqual({ name: 'settings' });
    expect(parseLocation('/s/a%2Fb/invite/x', '', '')).toEqual({ name: 'home' });
    expect(parseHash('#/s/')).toEqual({ name: 'home' });
    expect(parseHash('#/s/club/other')).toEqual({ name: 'space', slug: 'club' });
  });

  it('takes a space on a conversation link only when it looks like a space id', () => {
    expect(parseHash('#/c/c1?space=sp_1-x')).toEqual({ name: 'home', conversationId: 'c1', space: 'sp_1-x' });
    expect(parseHash('#/c/c1?space=a%2Fb')).toEqual({ name: 'home', conversationId: 'c1' });
    expect(parseHash('#/?space=sp-1')).toEqual({ name: 'home' });
  });

  it('falls back to home for unknown or malformed hashes', () => {
    expect(parseHash('#/nope')).toEqual({ name: 'home' });
    expect(parseHash('#/c/x/notanumber')).toEqual({ name: 'home', conversationId: 'x' });
  });

  it('keeps the space of a group invite made in a space (path or hash), and nothing that is not an id', () => {
    expect(parseLocation('/invite/abc', '?space=sp-1', '')).toEqual({ name: 'invite', code: 'abc', space: 'sp-1' });
    expect(parseHash('#/invite/abc?space=sp-1')).toEqual({ name: 'invite', code: 'abc', space: 'sp-1' });
    expect(parseLocation('/invite/abc', '?space=home', '')).toEqual({ name: 'invite', code: 'abc' });
    expect(parseLocation('/invite/abc', '?space=../x', '')).toEqual({ name: 'invite', code: 'abc' });
    const route = { name: 'invite' as const, code: 'abc', space: 'sp-1' };
    expect(parseHash(routeToHash(route))).toEqual(route);
  });
});
