// Vite build of the designer: the browser bundle runs the real engine from its sources.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const engineEntry = fileURLToPath(new URL('../engine/src/index.ts', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  resolve: { alias: { '@poolflow/engine': engineEntry } },
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      // React libraries mark their modules "use client"; that means nothing in a client bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
});
