import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const root = fileURLToPath(new URL('./renderer', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/renderer', import.meta.url));

/**
 * The renderer build. `base: './'` makes every asset URL relative, so the same output
 * loads from file:// in the desktop window and from the browser-mode server. Monaco's
 * workers are bundled as local ES-module workers (`?worker` imports), never fetched from
 * a CDN, which the Content-Security-Policy forbids.
 */
export default defineConfig({
  root,
  base: './',
  plugins: [vue()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 8192,
    // Inlined assets would need data: in more CSP directives; files keep the policy simple.
    assetsInlineLimit: 0,
  },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', strictPort: false },
});
