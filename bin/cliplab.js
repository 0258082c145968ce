#!/usr/bin/env node
// Entry of the `cliplab` command. Runs the built CLI (out/main/cli.js); in a source checkout that was
// not built yet, runs the TypeScript source through tsx instead.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
const source = fileURLToPath(new URL('../src-main/cli/main.ts', import.meta.url));

if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    process.stderr.write('cliplab: not built yet. Run `npm run build` in the cliplab folder first.\n');
    process.exit(1);
  }
  register();
  await import(pathToFileURL(source).href);
}
