/**
 * The attack surface, read from the running app itself rather than from a hand-kept list: every
 * REST route in Express's router stack, and every event a connected socket has a handler for.
 * A route or event added later shows up here, and the suites that iterate it fail until they know it.
 */
import type { Server as SocketServer } from 'socket.io';

export type Route = { method: string; path: string };

type Layer = {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  match?(path: string): unknown;
  /** The path a router was mounted at (`api.use('/conversations', router)`). */
  rawPath?: unknown;
};

/** Express 5: the API router is the one mounted on /api/v1; feature routers are mounted below it under their prefixes. */
export function listRoutes(app: unknown): { api: Route[]; root: Route[] } {
  const api: Route[] = [];
  const root: Route[] = [];
  const join = (prefix: string, path: string) => (prefix && path === '/' ? prefix : `${prefix}${path}`);
  const walk = (stack: Layer[], into: Route[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route)
        for (const [method, on] of Object.entries(layer.route.methods))
          if (on && method !== '_all')
            into.push({ method: method.toUpperCase(), path: join(prefix, layer.route.path) });
      const mounted = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      if (layer.handle?.stack) walk(layer.handle.stack, into, `${prefix}${mounted}`);
    }
  };
  const top = (app as { router: { stack: Layer[] } }).router.stack;
  for (const layer of top) {
    if (layer.route) walk([layer], root, '');
    else if (layer.handle?.stack) {
      const mountedOnApi = Boolean(layer.match?.('/api/v1')) && !layer.match?.('/zz-not-mounted');
      walk(layer.handle.stack, mountedOnApi ? api : root, '');
    }
  }
  const uniq = (rs: Route[]) => [...new Map(rs.map((r) => [`${r.method} ${r.path}`, r])).values()];
  return { api: uniq(api), root: uniq(root) };
}

const RESERVED = new Set(['disconnect', 'disconnecting', 'error', 'newListener', 'removeListener']);

/** The client events the server handles, from the listeners registered on a live server socket. */
export function listSocketEvents(io: SocketServer, socketId: string): string[] {
  const s = io.sockets.sockets.get(socketId);
  if (!s) throw new Error(`no server socket ${socketId}`);
  return s
    .eventNames()
    .map(String)
    .filter((e) => !RESERVED.has(e))
    .sort();
}

/** encodeURIComponent, except a lone surrogate goes out as the invalid UTF-8 bytes of one (%ED%A0%80). */
export function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value
      .replace(/[\ud800-\udfff]/g, '\u0000')
      .split('\u0000')
      .map(encodeURIComponent)
      .join('%ED%A0%80');
  }
}

/** Fills `:param`s: known ids for the fixtures, or a given raw value for every param. */
export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeSegment(params[name] ?? 'unknown'));
}
