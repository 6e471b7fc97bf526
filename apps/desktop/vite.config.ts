import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import electron from 'vite-plugin-electron/simple';

/**
 * Native and Electron-runtime modules stay outside the bundle (Vite 8 takes externals under
 * rolldownOptions; rollupOptions is ignored and the build then fails on keytar.node).
 */
const external = ['electron', 'keytar', 'electron-store', 'electron-updater', /^node:/];

/** The Electron build: renderer (dist-renderer, served via app://) + main + preload (dist-electron). */
export default defineConfig({
  plugins: [
    react(),
    electron({
      main: {
        entry: 'electron/main/index.ts',
        vite: {
          build: {
            outDir: 'dist-electron',
            emptyOutDir: true,
            rolldownOptions: { external, output: { entryFileNames: 'main.js' } },
          },
        },
      },
      preload: {
        input: 'electron/preload/index.ts',
        vite: {
          build: {
            outDir: 'dist-electron',
            emptyOutDir: false,
            // A sandboxed preload cannot be an ES module: CommonJS, named .cjs so nothing mistakes it.
            rolldownOptions: { external, output: { format: 'cjs', entryFileNames: 'preload.cjs' } },
          },
        },
      },
    }),
  ],
  base: './',
  build: { outDir: 'dist-renderer', emptyOutDir: true },
  worker: { format: 'es' },
});
