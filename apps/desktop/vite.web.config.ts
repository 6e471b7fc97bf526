import http from 'node:http';
import react from '@vitejs/plugin-react';
import { createLogger, defineConfig, type ProxyOptions } from 'vite';

const target = process.env.CHARLA_SERVER_URL ?? 'http://127.0.0.1:4000';
// A keep-alive agent: without one the proxy closes its upstream socket as soon as a response ends,
// so a response that comes before the request body is fully sent (the server's 413 for an
// oversized upload) cut the rest of the upload with EPIPE and the browser got a 502 instead.
const agent = new http.Agent({ keepAlive: true });
const api: ProxyOptions = { target, changeOrigin: true, agent };

/**
 * Vite's logger without the proxy's stack traces for connections the browser dropped: every reload
 * and sign-out closes the realtime socket and any request in flight (ECONNRESET/EPIPE). Anything
 * else the proxy reports still shows.
 */
const CLIENT_GONE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);
const logger = createLogger();
const logError = logger.error.bind(logger);
logger.error = (msg, options) => {
  const code = (options?.error as { code?: string } | null | undefined)?.code;
  if (/proxy (socket )?error/.test(msg) && code && CLIENT_GONE.has(code)) return;
  logError(msg, options);
};

/** The web client: the same renderer, built to dist/ and served by the server at `/`. */
export default defineConfig({
  plugins: [react()],
  base: '/',
  customLogger: logger,
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    port: Number(process.env.CHARLA_WEB_PORT ?? 5173),
    strictPort: false,
    proxy: {
      '/api': api,
      '/healthz': api,
      '/socket.io': { target, changeOrigin: true, ws: true },
    },
  },
});
