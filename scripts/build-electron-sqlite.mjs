#!/usr/bin/env node
// Puts a better-sqlite3 built for Electron's ABI in resources/native/electron/<platform>-<arch>/,
// where src-main/store/native.ts loads it (better-sqlite3's `nativeBinding` option) inside Electron,
// and where the desktop packages take it from (electron-builder.config.ts). node_modules keeps npm's
// own build for plain Node (CLI, web mode, tests), so one `npm install` serves both runtimes.
//
// Where the binary comes from, in order:
//   1. better-sqlite3's published prebuild for this Electron version, platform and arch, fetched by
//      better-sqlite3's own installer (prebuild-install, the step its `install` script runs first),
//      told `--runtime electron --target <version>`. It works for any platform from any host, which
//      is what lets one machine package for Linux, macOS and Windows.
//   2. Only where no prebuild exists for that version (a new Electron) and the target is this
//      machine: a compile against Electron's headers with node-gyp, like @electron/rebuild does.
// electron-builder's own rebuild (`install-app-deps`, `npmRebuild`) is not used: it rebuilds
// node_modules in place, which breaks the CLI and the tests under plain Node until the next install.
//
// Runs from `postinstall`; where nothing can be fetched (an offline machine) it prints one line and
// exits 0 so the install still succeeds: everything but the desktop app works without it.
// Options: --strict (failures exit 1), --force (fetch again even if up to date), --platform P,
// --arch A (default this machine), --out DIR (default resources/native/electron).
// Environment: CLIPLAB_SKIP_ELECTRON_BUILD=1 skips it; npm_config_better_sqlite3_binary_host
// points prebuild-install at a mirror of the release downloads.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const HEADERS_URL = 'https://electronjs.org/headers';
const root = path.resolve(import.meta.dirname, '..');
const binding = 'better_sqlite3.node';
const buildInfo = 'build-info.json';
const require = createRequire(path.join(root, 'package.json'));

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

const strict = process.argv.includes('--strict');
const force = process.argv.includes('--force');
const target = { platform: option('platform', process.platform), arch: option('arch', process.arch) };
const outDir = path.join(
  path.resolve(option('out', path.join(root, 'resources', 'native', 'electron'))),
  `${target.platform}-${target.arch}`,
);
const native = process.platform === target.platform && process.arch === target.arch;

/** One line on stderr, then exit: 0 when skipping is acceptable (postinstall), 1 under --strict. */
function stop(message, { failure = true } = {}) {
  process.stderr.write(`cliplab: ${message}\n`);
  process.exit(failure && strict ? 1 : 0);
}

function packageVersion(name) {
  try {
    return JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
  } catch {
    return null;
  }
}

function upToDate(electron) {
  try {
    const info = JSON.parse(fs.readFileSync(path.join(outDir, buildInfo), 'utf8'));
    return (
      info.electron === electron &&
      info.betterSqlite3 === packageVersion('better-sqlite3') &&
      fs.existsSync(path.join(outDir, binding))
    );
  } catch {
    return false;
  }
}

/** The first bytes of a native module for the platform: ELF (Linux), Mach-O (macOS), PE (Windows). */
function looksNative(file, platform) {
  const head = Buffer.alloc(4);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, head, 0, 4, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (platform === 'win32') return head.subarray(0, 2).toString('latin1') === 'MZ';
  if (platform === 'darwin') return [0xfeedfacf, 0xcffaedfe, 0xcafebabe, 0xbebafeca].includes(head.readUInt32BE(0));
  return head.toString('latin1') === '\x7fELF';
}

/** A private working folder with better-sqlite3's sources (never node_modules' copy, Node's build). */
function privateCopy(withSources) {
  const source = path.dirname(require.resolve('better-sqlite3/package.json'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cliplab-sqlite-electron-'));
  fs.cpSync(source, work, {
    recursive: true,
    filter: (f) => {
      const top = path.relative(source, f).split(path.sep)[0];
      return top === '' || top === 'package.json' || (withSources && top !== 'build');
    },
  });
  return work;
}

/** Step 1: better-sqlite3's published Electron prebuild, through its own prebuild-install. */
function fetchPrebuild(electron, work) {
  const sqliteRequire = createRequire(require.resolve('better-sqlite3/package.json'));
  const installer = sqliteRequire.resolve('prebuild-install/bin.js');
  const args = [installer, '--runtime=electron', `--target=${electron}`, `--platform=${target.platform}`];
  args.push(`--arch=${target.arch}`, '--verbose');
  const r = spawnSync(process.execPath, args, { cwd: work, encoding: 'utf8', timeout: 120_000 });
  const file = path.join(work, 'build', 'Release', binding);
  if (r.status === 0 && fs.existsSync(file) && looksNative(file, target.platform)) return { file };
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const status = /\bhttp (\d{3})\b/.exec(output)?.[1];
  const why = r.error?.code === 'ETIMEDOUT' ? 'timed out' : status === '404' ? 'none published' : networkReason(output);
  return { why };
}

function networkReason(output) {
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network/i.test(output)) return 'no network access';
  const warn = output.split(/\r?\n/).find((l) => /prebuild-install (warn|ERR!)/.test(l));
  return warn?.replace(/^prebuild-install (warn|ERR!)\s*/, '').trim() || 'download failed';
}

/** node-gyp as npm runs it for install scripts, else npm's bundled copy, else a local install. */
function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  if (process.env.npm_execpath) {
    candidates.push(
      path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    );
  }
  const npmBin = spawnSync(process.platform === 'win32' ? 'where' : 'which', ['npm'], { encoding: 'utf8' }).stdout;
  const npmPath = npmBin?.split(/\r?\n/)[0];
  if (npmPath) {
    const npmRoot = path.resolve(path.dirname(fs.realpathSync(npmPath)), '..');
    candidates.push(path.join(npmRoot, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
    candidates.push(path.join(npmRoot, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed locally: the npm copies above are the usual source
  }
  return candidates.find((c) => c && fs.existsSync(c)) ?? null;
}

function runGyp(nodeGyp, args, cwd, timeoutMs) {
  const r = spawnSync(process.execPath, [nodeGyp, ...args], { cwd, encoding: 'utf8', timeout: timeoutMs });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}`, timedOut: r.error?.code === 'ETIMEDOUT' };
}

/** A short reason from node-gyp's output: the network, a compiler error, or its first error line. */
function gypReason(output) {
  if (/network connectivity|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT/.test(output)) return 'no network access';
  const lines = output.split(/\r?\n/);
  const compiler = lines.find((l) => /\berror\b:/i.test(l) && !l.startsWith('gyp'));
  if (compiler) return compiler.trim();
  const stack = lines.find((l) => /^gyp ERR! stack \w*Error: /.test(l));
  if (stack) return stack.replace(/^gyp ERR! stack /, '').trim();
  const first = lines.find((l) => l.startsWith('gyp ERR!') && !/not ok/.test(l));
  return first?.replace(/^gyp ERR! /, '').trim() ?? 'unknown error';
}

/** Step 2: compile against Electron's headers (this machine's platform and arch only). */
function compileFromHeaders(electron, work) {
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) return { why: 'node-gyp not found (it ships with npm)' };
  const devdir = path.join(os.homedir(), '.electron-gyp');
  const gypArgs = [`--target=${electron}`, `--arch=${target.arch}`, `--dist-url=${HEADERS_URL}`, `--devdir=${devdir}`];
  const headers = runGyp(nodeGyp, ['install', ...gypArgs], root, 120_000);
  if (!headers.ok) {
    try {
      fs.rmdirSync(devdir); // node-gyp creates its cache folder even when the download fails
    } catch {
      // absent, or holds headers from an earlier build: keep it
    }
    return { why: `cannot fetch Electron's headers (${headers.timedOut ? 'timed out' : gypReason(headers.output)})` };
  }
  const compiled = runGyp(nodeGyp, ['rebuild', '--release', ...gypArgs], work, 30 * 60_000);
  if (!compiled.ok) return { why: `compiling failed: ${gypReason(compiled.output)}` };
  return { file: path.join(work, 'build', 'Release', binding) };
}

function install(file, electron, source) {
  fs.mkdirSync(outDir, { recursive: true });
  const temp = path.join(outDir, `${binding}.${process.pid}.tmp`);
  fs.copyFileSync(file, temp);
  fs.renameSync(temp, path.join(outDir, binding));
  const info = { electron, ...target, betterSqlite3: packageVersion('better-sqlite3'), source };
  fs.writeFileSync(path.join(outDir, buildInfo), `${JSON.stringify(info, null, 2)}\n`);
}

function main() {
  if (process.env.CLIPLAB_SKIP_ELECTRON_BUILD === '1') {
    stop('skipped SQLite for Electron (CLIPLAB_SKIP_ELECTRON_BUILD=1)', { failure: false });
  }
  const electron = packageVersion('electron');
  const what = `SQLite for Electron ${electron} (${target.platform}-${target.arch})`;
  if (!electron) stop('skipped SQLite for Electron: the electron package is not installed');
  if (!packageVersion('better-sqlite3')) stop('no SQLite for Electron: better-sqlite3 is not installed');
  const relative = path.relative(process.cwd(), outDir);
  const shown = relative.startsWith('..') || path.isAbsolute(relative) ? outDir : relative || '.';
  if (!force && upToDate(electron)) stop(`${what} is up to date in ${shown}`, { failure: false });
  const work = privateCopy(native);
  let failure;
  try {
    failure = obtain(electron, work, what, shown);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  if (failure) stop(failure);
}

/** Fetches or compiles the binding and installs it; returns why it could not, or null. */
function obtain(electron, work, what, shown) {
  const prebuild = fetchPrebuild(electron, work);
  if (prebuild.file) {
    install(prebuild.file, electron, 'prebuild');
    process.stderr.write(`cliplab: fetched better-sqlite3's prebuild of ${what} into ${shown}\n`);
    return null;
  }
  const hint = strict
    ? 'Connect to the internet and run it again.'
    : 'The CLI, web mode and tests do not need it; run `npm run rebuild:electron` once online for the desktop app.';
  if (!native)
    return `no ${what}: no prebuild (${prebuild.why}), and only this machine's platform can be compiled. ${hint}`;
  const compiled = compileFromHeaders(electron, work);
  if (!compiled.file) return `no ${what}: no prebuild (${prebuild.why}), and ${compiled.why}. ${hint}`;
  install(compiled.file, electron, 'headers');
  process.stderr.write(`cliplab: compiled ${what} against Electron's headers into ${shown}\n`);
  return null;
}

main();
