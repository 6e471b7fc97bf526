/**
 * A real reverse-proxy hop for tests (node:http): forwards every request to `target`, appending the
 * peer's address to X-Forwarded-For as nginx's `$proxy_add_x_forwarded_for` does, and connects to
 * the target from `fromAddress`. Clients can pick their own loopback source address
 * (127.0.0.2, 127.0.0.3…: all of 127/8 is local on Linux) to be told apart.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReverseProxy = { url: string; close(): Promise<void> };

export async function startReverseProxy(target: string, fromAddress = '127.0.0.1'): Promise<ReverseProxy> {
  const to = new URL(target);
  const server = http.createServer((req, res) => {
    const peer = req.socket.remoteAddress ?? '';
    const prior = req.headers['x-forwarded-for'];
    const headers = {
      ...req.headers,
      host: to.host,
      'x-forwarded-for': prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${peer}` : peer,
      'x-forwarded-proto': 'http',
    };
    const upstream = http.request(
      { host: to.hostname, port: to.port, method: req.method, path: req.url, headers, localAddress: fromAddress },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** One HTTP request from a chosen local address (what fetch cannot choose). */
export function requestFrom(
  localAddress: string,
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, localAddress },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
