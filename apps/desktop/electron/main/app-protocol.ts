/**
 * Serves the built renderer at app://charla/ instead of file://, so the renderer has a real origin
 * (CSP 'self', permission checks, no file:// privileges). Requests are confined to the renderer
 * directory: decoded paths are resolved and must stay inside it, symlinks included.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { APP_HOST } from './security.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export type ResolveResult = { ok: true; file: string } | { ok: false; status: 400 | 403 | 404 };

/** Maps an app:// URL to a file inside rootDir, or refuses. Exported for tests. */
export async function resolveAppRequest(rawUrl: string, rootDir: string): Promise<ResolveResult> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, status: 400 };
  }
  if (url.host !== APP_HOST) return { ok: false, status: 403 };
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return { ok: false, status: 400 };
  const root = await fs.realpath(rootDir);
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const candidate = path.resolve(root, relative);
  if (!isInside(candidate, root)) return { ok: false, status: 403 };
  const real = await fs.realpath(candidate).catch(() => null);
  if (real === null) {
    // Client-side routes (/conversations/123) get the SPA shell; missing assets stay 404.
    if (path.extname(relative) === '') return { ok: true, file: path.join(root, 'index.html') };
    return { ok: false, status: 404 };
  }
  if (!isInside(real, root)) return { ok: false, status: 403 };
  const stat = await fs.stat(real);
  if (!stat.isFile()) return { ok: false, status: 404 };
  return { ok: true, file: real };
}

function isInside(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The protocol.handle('app', ...) handler. */
export function createAppProtocolHandler(options: {
  rootDir: string;
  getCsp: () => string;
}): (request: { url: string; method?: string }) => Promise<Response> {
  return async (request) => {
    if (request.method && request.method !== 'GET' && request.method !== 'HEAD')
      return new Response(null, { status: 405 });
    const resolved = await resolveAppRequest(request.url, options.rootDir);
    if (!resolved.ok) return new Response(null, { status: resolved.status });
    const body = await fs.readFile(resolved.file);
    const type = CONTENT_TYPES[path.extname(resolved.file).toLowerCase()] ?? 'application/octet-stream';
    const headers: Record<string, string> = {
      'Content-Type': type,
      'X-Content-Type-Options': 'nosniff',
    };
    if (type.startsWith('text/html')) headers['Content-Security-Policy'] = options.getCsp();
    return new Response(new Uint8Array(body), { status: 200, headers });
  };
}
