import http from 'node:http';
import react from '@vitejs/plugin-react';
import { createLogger, defineConfig, type Plugin, type ProxyOptions } from 'vite';

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

const EARLY_TAG = '<script type="module" src="/src/early-start.ts"></script>';
const CHARSET = '<meta charset="UTF-8" />';

/**
 * The build would fold every module script of index.html into one entry chunk, so early-start.ts ran
 * only after the whole app bundle was fetched and evaluated (its refresh went out ~170 ms after the
 * page's scripts arrived). Here it becomes its own tiny chunk, loaded `async` from the head: it runs
 * as soon as it arrives and the session refresh and first list page overlap loading the app.
 * (The dev server serves the two module scripts separately already.)
 */
function earlyStartChunk(): Plugin[] {
  return [
    {
      name: 'charla:early-start-chunk',
      apply: 'build',
      buildStart() {
        this.emitFile({ type: 'chunk', id: `${import.meta.dirname}/src/early-start.ts`, name: 'early-start' });
      },
      transformIndexHtml: {
        order: 'pre',
        handler(html) {
          if (!html.includes(EARLY_TAG)) throw new Error(`index.html lost ${EARLY_TAG}`);
          return html.replace(EARLY_TAG, '');
        },
      },
    },
    {
      name: 'charla:early-start-tag',
      apply: 'build',
      transformIndexHtml: {
        order: 'post',
        handler(html, ctx) {
          const chunk = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.name === 'early-start');
          if (!chunk) throw new Error('early-start chunk missing from the bundle');
          if (!html.includes(CHARSET)) throw new Error(`index.html lost ${CHARSET}`);
          // First in the head after the charset, so the browser asks for it before the app's scripts.
          const tag = `<script type="module" async crossorigin src="/${chunk.fileName}"></script>`;
          return html.replace(CHARSET, `${CHARSET}\n    ${tag}`);
        },
      },
    },
  ];
}

/** The web client: the same renderer, built to dist/ and served by the server at `/`. */
export default defineConfig({
  plugins: [react(), ...earlyStartChunk()],
  base: '/',
  customLogger: logger,
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  // The E2EE worker (features/e2ee) is an ES module with code splitting.
  worker: { format: 'es' },
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
