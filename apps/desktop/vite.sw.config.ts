import { defineConfig } from 'vite';

/**
 * The service worker, built after the web client into the same dist/ as one classic script at the
 * root (/sw.js): a worker's scope is its own path, and classic scripts work in every browser that
 * has Web Push (module workers do not, everywhere).
 */
export default defineConfig({
  publicDir: false,
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: true,
    copyPublicDir: false,
    lib: { entry: 'src/sw/push.sw.ts', formats: ['iife'], name: 'charlaServiceWorker', fileName: () => 'sw.js' },
  },
});
