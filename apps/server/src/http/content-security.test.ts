import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test/harness.ts';
import { webConnectSources } from './content-security.ts';

const directive = (csp: string, name: string) =>
  csp
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([n]) => n === name)
    ?.slice(1);

describe('web client CSP', () => {
  it('connect-src is the server itself over http(s) and ws(s)', () => {
    expect(webConnectSources('https://chat.example.com')).toEqual([
      "'self'",
      'https://chat.example.com',
      'wss://chat.example.com',
    ]);
    expect(webConnectSources('http://127.0.0.1:4000')).toEqual([
      "'self'",
      'http://127.0.0.1:4000',
      'ws://127.0.0.1:4000',
    ]);
  });

  describe('as served', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { PUBLIC_URL: 'https://chat.example.com/', CORS_ORIGINS: 'app://charla' } });
    });
    afterAll(async () => {
      await t.close();
    });

    it('lets a page open sockets to its own server only, not to any host (issue 22)', async () => {
      const res = await request(t.app).get('/healthz').expect(200);
      const connect = directive(res.headers['content-security-policy'] ?? '', 'connect-src');
      // Before: "'self' ws: wss:", so an injected script could reach any WebSocket host.
      expect(connect).toEqual(["'self'", 'https://chat.example.com', 'wss://chat.example.com']);
    });
  });
});
