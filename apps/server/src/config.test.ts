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

  it('refuses half a TLS configuration', () => {
    expect(() => loadConfig({ TLS_CERT: '/tmp/cert.pem' })).toThrow(/TLS_CERT and TLS_KEY/);
  });

  it('splits comma lists', () => {
    expect(loadConfig({ CORS_ORIGINS: 'http://a, http://b' }).CORS_ORIGINS).toEqual(['http://a', 'http://b']);
  });
});
