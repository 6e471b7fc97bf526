import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import electron from 'vite-plugin-electron/simple';

/** Native modules stay outside the bundle (Vite 8 takes externals under rolldownOptions). */
const external = ['electron', 'keytar', 'electron-store', 'electron-updater'];

/** The Electron build: renderer + main + preload. */
export default defineConfig({
  plugins: [
    react(),
    electron({
      main: {
        entry: 'electron/main/index.ts',
        vite: { build: { outDir: 'dist-electron', rolldownOptions: { external } } },
      },
      preload: {
        input: 'electron/preload/index.ts',
        vite: { build: { outDir: 'dist-electron', rolldownOptions: { external } } },
      },
    }),
  ],
  base: './',
  build: { outDir: 'dist-renderer', emptyOutDir: true },
});
