/**
 * Which compiled better-sqlite3 to load.
 *
 * One checkout serves two runtimes whose native ABIs differ: plain Node (CLI, web mode, tests,
 * run workers under Node) and Electron (the desktop app and its utility-process workers). A module
 * built for one refuses to load in the other (NODE_MODULE_VERSION mismatch), so two builds live side
 * by side: npm's own build in node_modules for Node, and a second build for Electron's ABI under
 * `resources/native/electron/<platform>-<arch>/` in a checkout (better-sqlite3's published Electron
 * prebuild, fetched by `scripts/build-electron-sqlite.mjs` from `postinstall` or
 * `npm run rebuild:electron`), which the desktop packages ship as `<resources>/native/electron/`. It
 * is passed through better-sqlite3's `nativeBinding` option. Rebuilding node_modules in place for
 * Electron instead (electron-rebuild) would break the CLI and the tests after every install, which is
 * why the Electron build is kept apart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { StoreError } from './errors';

export const ELECTRON_BUILD_DIR = path.join('resources', 'native', 'electron');
export const ELECTRON_BINDING = 'better_sqlite3.node';
/** Written beside the binding by the build script: `{ "electron": "<version>" }`. */
export const ELECTRON_BUILD_INFO = 'build-info.json';

const REBUILD_HINT = 'run `npm run rebuild:electron` in the cliplab folder (it needs internet access once)';

/** `linux-x64`, `darwin-arm64`, `win32-x64`: one checkout may hold builds for several targets. */
export const TARGET_DIR = `${process.platform}-${process.arch}`;

/** Folders that may hold the Electron build: the checkout (found upwards from here) and a packaged app. */
function candidateDirs(): string[] {
  const dirs: string[] = [];
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) dirs.push(path.join(dir, ELECTRON_BUILD_DIR, TARGET_DIR));
    if (path.dirname(dir) === dir) break;
  }
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  // A package holds its own target's build only (electron-builder.config.ts, extraResources).
  if (resourcesPath) dirs.push(path.join(resourcesPath, 'native', 'electron'));
  return dirs;
}

function builtFor(dir: string): string | null {
  try {
    const info = JSON.parse(fs.readFileSync(path.join(dir, ELECTRON_BUILD_INFO), 'utf8')) as { electron?: unknown };
    return typeof info.electron === 'string' ? info.electron : null;
  } catch {
    return null;
  }
}

export interface Runtime {
  /** Electron's version when running inside Electron. @default process.versions.electron */
  electron?: string;
  /** Folders searched for the Electron build. @default the checkout's and a packaged app's */
  searchDirs?: readonly string[];
}

/**
 * Options for `new Database()` in this runtime: nothing under Node; under Electron the path of the
 * Electron build, or a StoreError telling the user how to make one.
 */
export function nativeBindingOption(file: string, runtime: Runtime = {}): { nativeBinding?: string } {
  const electron = 'electron' in runtime ? runtime.electron : process.versions.electron;
  if (!electron) return {};
  const dirs = runtime.searchDirs ?? candidateDirs();
  const dir = dirs.find((d) => fs.existsSync(path.join(d, ELECTRON_BINDING)));
  if (!dir) {
    throw new StoreError('native', file, `SQLite is not built for Electron ${electron} yet: ${REBUILD_HINT}`);
  }
  const version = builtFor(dir);
  if (version !== null && version !== electron) {
    throw new StoreError(
      'native',
      file,
      `SQLite was built for Electron ${version} but this is Electron ${electron}: ${REBUILD_HINT}`,
    );
  }
  return { nativeBinding: path.join(dir, ELECTRON_BINDING) };
}

/** Turns a failure to load the native module into advice (a wrong-ABI build is the usual cause). */
export function nativeLoadError(file: string, err: unknown): StoreError | null {
  const message = err instanceof Error ? err.message : String(err);
  if (
    !/NODE_MODULE_VERSION|was compiled against a different|Could not locate the bindings|invalid ELF/i.test(message)
  ) {
    return null;
  }
  const runtime = process.versions.electron ? `Electron ${process.versions.electron}` : `Node ${process.version}`;
  const hint = process.versions.electron ? REBUILD_HINT : 'run `npm rebuild better-sqlite3` in the cliplab folder';
  return new StoreError('native', file, `SQLite's native module does not load in ${runtime}: ${hint} (${message})`);
}
