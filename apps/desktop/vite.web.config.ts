import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The web client: the same renderer, built to dist/ and served by the server at `/`. */
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  // The E2EE worker (features/e2ee) is an ES module with code splitting.
  worker: { format: 'es' },
  server: {
    port: Number(process.env.CHARLA_WEB_PORT ?? 5173),
    strictPort: false,
    proxy: {
      '/api': process.env.CHARLA_SERVER_URL ?? 'http://127.0.0.1:4000',
      '/healthz': process.env.CHARLA_SERVER_URL ?? 'http://127.0.0.1:4000',
      '/socket.io': { target: process.env.CHARLA_SERVER_URL ?? 'http://127.0.0.1:4000', ws: true },
    },
  },
});
