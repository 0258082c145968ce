import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: {
        entry: {
          // Electron main process: window, menus, IPC; hosts the lab.
          index: resolve(root, 'src-main/shell/main.ts'),
          // One training run per process (utilityProcess in the app, child_process.fork under Node).
          worker: resolve(root, 'src-main/lab/worker.ts'),
          // The `cliplab` command (bin/cliplab.js loads it).
          cli: resolve(root, 'src-main/cli/main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require node_modules: bundle everything it uses.
      externalizeDeps: false,
      lib: { entry: { index: resolve(root, 'src-main/shell/preload.ts') } },
      rollupOptions: {
        // Sandboxed preloads must be CommonJS (an .mjs preload needs sandbox: false).
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    plugins: [svelte({ configFile: false })],
    build: {
      outDir: resolve(root, 'out/renderer'),
      rollupOptions: { input: resolve(root, 'src-renderer/index.html') },
    },
  },
});
