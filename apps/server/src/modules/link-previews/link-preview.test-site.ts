import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';

/*
 * A small web site for link-preview tests (unit, reliability and e2e): Open Graph, Twitter Card and
 * oEmbed pages, an image, and the hostile cases (huge, slow, never-ending, wrong types, redirect
 * chains, redirects into private space). It listens on 127.0.0.1 and counts what it was asked.
 */

export type TestSite = {
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  /** Requests per path (path without query). */
  hits: Map<string, number>;
  /** Headers of the last request per path. */
  lastHeaders: Map<string, http.IncomingHttpHeaders>;
  close(): Promise<void>;
};

const page = (head: string, body = '<p>Hello</p>') =>
  `<!doctype html><html><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`;

type Route = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** Pages with Open Graph, Twitter Card and oEmbed metadata, and plain ones. */
function metadataPages(origin: () => string): Record<string, Route> {
  return {
    '/og': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        page(
          `<title>Fallback title</title>
          <meta property="og:title" content="Charla &amp; friends">
          <meta property="og:description" content="A page with Open Graph tags">
          <meta property="og:site_name" content="Test Site">
          <meta property="og:image" content="/image.png">`,
        ),
      );
    },
    '/twitter': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        page(
          `<meta name="twitter:card" content="summary_large_image">
          <meta name="twitter:title" content="A Twitter card">
          <meta name="twitter:description" content="Described for Twitter">
          <meta name="twitter:site" content="@charla">
          <meta name="twitter:image" content="${origin()}/image.png">`,
        ),
      );
    },
    '/oembed-page': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        page(
          `<title>Plain title</title>
          <link rel="alternate" type="application/json+oembed" href="/oembed.json?url=x" title="oEmbed">`,
        ),
      );
    },
    '/oembed.json': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          version: '1.0',
          type: 'photo',
          title: 'An oEmbed photo',
          author_name: 'Ada',
          provider_name: 'Embed Provider',
          url: `${origin()}/image.png`,
          thumbnail_url: `${origin()}/image.png`,
          width: 640,
          height: 320,
        }),
      );
    },
    '/plain': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(page('<title>Only a title</title><meta name="description" content="And a description">'));
    },
    '/no-meta': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><p>nothing to preview</p>');
    },
  };
}

/** Preview images: a real one, a fake one, and pages pointing at them (or at the metadata service). */
function imagePages(image: Buffer): Record<string, Route> {
  return {
    '/image.png': (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': image.length });
      res.end(image);
    },
    '/image-not-really.png': (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end('<html>this is not a PNG</html>');
    },
    '/og-bad-image': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        page(
          '<meta property="og:title" content="Bad image"><meta property="og:image" content="/image-not-really.png">',
        ),
      );
    },
    '/og-private-image': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        page(
          '<meta property="og:title" content="Image on the metadata service"><meta property="og:image" content="http://169.254.169.254/latest/meta-data/image.png">',
        ),
      );
    },
  };
}

/** Huge, slow, never-ending, wrong-type and odd answers. */
function hostilePages(timers: Set<NodeJS.Timeout>): Record<string, Route> {
  return {
    // 2 MB with a Content-Length: refused before reading.
    '/huge': (_req, res) => {
      const body = Buffer.alloc(2 * 1024 * 1024, 'a');
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': body.length });
      res.end(body);
    },
    // 2 MB chunked, no length: refused once the cap is passed.
    '/huge-chunked': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<!doctype html><title>big</title>');
      const chunk = Buffer.alloc(64 * 1024, 'b');
      for (let i = 0; i < 32; i++) res.write(chunk);
      res.end();
    },
    // Headers only after 10 s.
    '/slow': (_req, res) => {
      const t = setTimeout(() => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(page('<title>finally</title>'));
      }, 10_000);
      timers.add(t);
    },
    // Headers at once, then one byte every 50 ms, forever.
    '/never-ending': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<!doctype html><html><head><title>');
      const t = setInterval(() => res.write('a'), 50);
      timers.add(t);
      res.on('close', () => clearInterval(t));
    },
    '/pdf': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/pdf' });
      res.end('%PDF-1.4');
    },
    '/svg': (_req, res) => {
      res.writeHead(200, { 'content-type': 'image/svg+xml' });
      res.end('<svg xmlns="http://www.w3.org/2000/svg"/>');
    },
    '/no-type': (_req, res) => {
      res.writeHead(200);
      res.end('<title>no type</title>');
    },
    '/json': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    },
    '/not-found': (_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('gone');
    },
    '/set-cookie': (_req, res) => {
      res.writeHead(302, { location: '/og', 'set-cookie': 'session=abc; Path=/' });
      res.end();
    },
    '/no-location': (_req, res) => {
      res.writeHead(302);
      res.end();
    },
  };
}

/** Redirects: /redirect/<n> (n hops, then /og), /to?u=<url> (anywhere), and named ones. */
function redirectFor(url: URL, named: Record<string, string> | undefined): { status: number; location: string } | null {
  const chain = /^\/redirect\/(\d{1,2})$/.exec(url.pathname);
  if (chain) {
    const n = Number(chain[1]);
    return { status: 302, location: n > 1 ? `/redirect/${n - 1}` : '/og' };
  }
  if (url.pathname === '/to') return { status: 302, location: url.searchParams.get('u') ?? '/' };
  const target = named?.[url.pathname];
  return target ? { status: 301, location: target } : null;
}

/** Served at /image.png: a 640×320 PNG, a gradient so re-encoding has something to do. */
async function testImage(): Promise<Buffer> {
  const width = 640;
  const height = 320;
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      raw[i] = Math.round((x / width) * 255);
      raw[i + 1] = Math.round((y / height) * 255);
      raw[i + 2] = 160;
    }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

export async function startTestSite(
  options: { redirectTargets?: Record<string, string>; port?: number } = {},
): Promise<TestSite> {
  const image = await testImage();
  const hits = new Map<string, number>();
  const lastHeaders = new Map<string, http.IncomingHttpHeaders>();
  const timers = new Set<NodeJS.Timeout>();
  let origin = '';

  const routes: Record<string, Route> = {
    ...metadataPages(() => origin),
    ...imagePages(image),
    ...hostilePages(timers),
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://site');
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    lastHeaders.set(url.pathname, req.headers);
    const redirect = redirectFor(url, options.redirectTargets);
    if (redirect) {
      res.writeHead(redirect.status, { location: redirect.location });
      res.end();
      return;
    }
    const route = routes[url.pathname];
    if (route) route(req, res);
    else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    hits,
    lastHeaders,
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
