// @vitest-environment node
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler, resolveAppRequest } from './app-protocol.ts';

let base: string;
let root: string;

beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'charla-app-protocol-'));
  root = path.join(base, 'dist-renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><div id="root"></div>');
  fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'TOP SECRET');
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe('app:// protocol', () => {
  it('serves index.html with the CSP and assets with their type', async () => {
    const handler = createAppProtocolHandler({ rootDir: root, getCsp: () => "default-src 'self'" });
    const html = await handler({ url: 'app://charla/', method: 'GET' });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(html.headers.get('content-type')).toContain('text/html');
    const js = await handler({ url: 'app://charla/assets/app.js' });
    expect(await js.text()).toBe('console.log(1)');
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('falls back to the SPA shell for client routes but not for missing assets', async () => {
    expect(await resolveAppRequest('app://charla/conversations/42', root)).toEqual({
      ok: true,
      file: path.join(fs.realpathSync(root), 'index.html'),
    });
    expect(await resolveAppRequest('app://charla/assets/missing.js', root)).toEqual({ ok: false, status: 404 });
  });

  it.each([
    'app://charla/../secret.txt',
    'app://charla/%2e%2e/secret.txt',
    'app://charla/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    'app://charla/..%2fsecret.txt',
    'app://charla/%2e%2e%5csecret.txt',
    'app://charla/assets/link.txt',
    'app://charla/%00index.html',
    'app://charla/%E0%A4%A',
    'app://evil/index.html',
    'app://charla.evil/index.html',
    'not a url',
  ])('refuses %s', async (url) => {
    const result = await resolveAppRequest(url, root);
    expect(result.ok).toBe(false);
    const handler = createAppProtocolHandler({ rootDir: root, getCsp: () => '' });
    const response = await handler({ url });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(await response.text()).not.toContain('TOP SECRET');
  });

  it('refuses methods other than GET and HEAD', async () => {
    const handler = createAppProtocolHandler({ rootDir: root, getCsp: () => '' });
    expect((await handler({ url: 'app://charla/', method: 'POST' })).status).toBe(405);
  });
});
