import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import { cspSafeTypebox } from './build/csp-safe-typebox.ts';

// Static files only: the gateway serves dist/ at `/` and the page talks to it over the WebSocket.
// No CDN, no font from elsewhere (the typeface ships in dist/), no inline scripts: the gateway's CSP
// allows none of them.
export default defineConfig({
  root: dirname(fileURLToPath(import.meta.url)),
  base: '/',
  // Workspace packages are compiled from source, as everywhere else in the repo.
  resolve: { conditions: ['@openclaw/source', ...defaultClientConditions] },
  plugins: [cspSafeTypebox()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
