import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to the embedded setup on 127.0.0.1:4000', () => {
    const c = loadConfig({});
    expect(c.HOST).toBe('127.0.0.1');
    expect(c.PORT).toBe(4000);
    expect(c.MONGODB_URI).toBeUndefined();
    expect(c.BCRYPT_COST).toBe(12);
    expect(c.publicUrl).toBe('http://127.0.0.1:4000');
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ MONGODB_URI: 'postgres://x' })).toThrow(/MONGODB_URI/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
  });

  it('translation: provider chosen by TRANSLATE_PROVIDER, its key required, quotas numeric', () => {
    expect(loadConfig({}).TRANSLATE_PROVIDER).toBeUndefined();
    expect(() => loadConfig({ TRANSLATE_PROVIDER: 'deepl' })).toThrow(/DEEPL_AUTH_KEY/);
    expect(() => loadConfig({ TRANSLATE_PROVIDER: 'libretranslate' })).toThrow(/LIBRETRANSLATE_URL/);
    expect(() => loadConfig({ TRANSLATE_PROVIDER: 'google' })).toThrow(/GOOGLE_TRANSLATE_API_KEY/);
    expect(() => loadConfig({ TRANSLATE_PROVIDER: 'bing' })).toThrow(/TRANSLATE_PROVIDER/);
    expect(() => loadConfig({ LIBRETRANSLATE_URL: 'ftp://x' })).toThrow(/LIBRETRANSLATE_URL/);
    expect(() => loadConfig({ TRANSLATE_USER_DAILY_CHARS: 'lots' })).toThrow(/TRANSLATE_USER_DAILY_CHARS/);
    const c = loadConfig({ TRANSLATE_PROVIDER: 'deepl', DEEPL_AUTH_KEY: 'k:fx', TRANSLATE_USER_DAILY_CHARS: '100' });
    expect([c.TRANSLATE_PROVIDER, c.TRANSLATE_USER_DAILY_CHARS, c.TRANSLATE_GLOBAL_DAILY_CHARS]).toEqual([
      'deepl',
      100,
      2_000_000,
    ]);
  });

  it('GitHub sign-in: both credentials or neither, https endpoints (http only on loopback)', () => {
    expect(loadConfig({}).GITHUB_OAUTH_URL).toBe('https://github.com');
    expect(loadConfig({}).GITHUB_API_URL).toBe('https://api.github.com');
    expect(() => loadConfig({ GITHUB_CLIENT_ID: 'id' })).toThrow(/GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET/);
    expect(() => loadConfig({ GITHUB_OAUTH_URL: 'http://github.example.com' })).toThrow(/GITHUB_OAUTH_URL/);
    expect(() => loadConfig({ GITHUB_API_URL: 'https://user:pw@api.example.com' })).toThrow(/GITHUB_API_URL/);
    const local = loadConfig({ GITHUB_API_URL: 'http://127.0.0.1:9999', GITHUB_OAUTH_URL: 'https://ghe.example.com' });
    expect(local.GITHUB_API_URL).toBe('http://127.0.0.1:9999');
  });

  it('refuses half a TLS configuration', () => {
    expect(() => loadConfig({ TLS_CERT: '/tmp/cert.pem' })).toThrow(/TLS_CERT and TLS_KEY/);
  });

  it('reads the per-account upload rate and pending-bytes quota, refusing nonsense', () => {
    const c = loadConfig({});
    expect(c.MEDIA_UPLOADS_PER_MINUTE).toBe(30);
    expect(c.MEDIA_PENDING_MAX_BYTES).toBe(200 * 1024 * 1024);
    expect(loadConfig({ MEDIA_UPLOADS_PER_MINUTE: '5', MEDIA_PENDING_MAX_BYTES: '1048576' })).toMatchObject({
      MEDIA_UPLOADS_PER_MINUTE: 5,
      MEDIA_PENDING_MAX_BYTES: 1_048_576,
    });
    expect(() => loadConfig({ MEDIA_UPLOADS_PER_MINUTE: '0' })).toThrow(/MEDIA_UPLOADS_PER_MINUTE/);
    expect(() => loadConfig({ MEDIA_PENDING_MAX_BYTES: 'lots' })).toThrow(/MEDIA_PENDING_MAX_BYTES/);
  });

  it('reads TRUST_PROXY as Express means it: hop count, boolean, or a checked address list (issue 22 #6)', () => {
    const trust = (v: string) => loadConfig({ TRUST_PROXY: v }).TRUST_PROXY;
    expect(trust('1')).toBe(1);
    expect(trust(' 2 ')).toBe(2);
    expect(trust('0')).toBe(0);
    expect(trust('true')).toBe(true);
    expect(trust('FALSE')).toBe(false);
    expect(trust('loopback')).toEqual(['loopback']);
    expect(trust('loopback, 10.0.0.0/8,192.168.1.1, fd00::/8')).toEqual([
      'loopback',
      '10.0.0.0/8',
      '192.168.1.1',
      'fd00::/8',
    ]);
    expect(trust('uniquelocal,linklocal')).toEqual(['uniquelocal', 'linklocal']);
    expect(loadConfig({}).TRUST_PROXY).toBeUndefined();
    for (const bad of ['yes please', '10.0.0.0/99', '-1', '1.5', 'true,1', '300.1.1.1'])
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
  });

  it('splits comma lists', () => {
    expect(loadConfig({ CORS_ORIGINS: 'http://a, http://b' }).CORS_ORIGINS).toEqual(['http://a', 'http://b']);
  });
});
