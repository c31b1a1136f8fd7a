import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [svelte()],
  // Tauri serves ui/dist from its own protocol; relative asset URLs work there and from file://.
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The webviews Tauri 2 targets (WebKitGTK, WKWebView, WebView2) all handle this.
    target: 'es2022',
  },
  // Tauri's dev tooling expects a fixed port; fail rather than drift to another.
  server: { port: 5173, strictPort: true },
  clearScreen: false,
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
