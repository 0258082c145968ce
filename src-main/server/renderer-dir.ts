/** Finds the built renderer from wherever this code runs: bundled into `out/main`, or as source via tsx. */
import { existsSync } from 'node:fs';
import path from 'node:path';

export function findRendererDir(from: string = import.meta.dirname): string {
  let dir = from;
  for (let depth = 0; depth < 5; depth++) {
    for (const candidate of [path.join(dir, 'renderer'), path.join(dir, 'out', 'renderer')]) {
      if (existsSync(path.join(candidate, 'index.html'))) return candidate;
    }
    dir = path.dirname(dir);
  }
  throw new Error('the web UI is not built (no out/renderer/index.html): run `npm run build` in the cliplab folder');
}
