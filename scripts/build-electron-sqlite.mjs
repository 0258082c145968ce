#!/usr/bin/env node
// Builds better-sqlite3 a second time, for Electron's ABI, into resources/native/electron/, where
// src-main/store/native.ts loads it (through better-sqlite3's `nativeBinding` option) when running
// inside Electron. node_modules keeps npm's own build for plain Node (CLI, web mode, tests), so one
// `npm install` serves both runtimes and neither build ever overwrites the other.
//
// Runs from `postinstall`. It needs Electron's headers from https://electronjs.org/headers once;
// where they cannot be fetched (offline machines) it prints one line and exits 0 so that the install
// still succeeds: everything but the desktop app works without this build. `npm run rebuild:electron`
// runs it again with --strict (failures exit non-zero) and --force (rebuild even if up to date).
//
// Options: --strict, --force. Environment: CLIPLAB_SKIP_ELECTRON_BUILD=1 skips it.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const HEADERS_URL = 'https://electronjs.org/headers';
const root = path.resolve(import.meta.dirname, '..');
const outDir = path.join(root, 'resources', 'native', 'electron');
const binding = 'better_sqlite3.node';
const buildInfo = 'build-info.json';
const strict = process.argv.includes('--strict');
const force = process.argv.includes('--force');
const require = createRequire(path.join(root, 'package.json'));

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
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  return { ok: r.status === 0, output, timedOut: r.error?.code === 'ETIMEDOUT' };
}

/** A short reason from node-gyp's output: the network, a compiler error, or its first error line. */
function reasonOf(output) {
  if (/network connectivity|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT/.test(output)) return 'no network access';
  const lines = output.split(/\r?\n/);
  const compiler = lines.find((l) => /\berror\b:/i.test(l) && !l.startsWith('gyp'));
  if (compiler) return compiler.trim();
  const stack = lines.find((l) => /^gyp ERR! stack \w*Error: /.test(l));
  if (stack) return stack.replace(/^gyp ERR! stack /, '').trim();
  return (
    lines
      .find((l) => l.startsWith('gyp ERR!') && !/not ok/.test(l))
      ?.replace(/^gyp ERR! /, '')
      .trim() ?? 'unknown error'
  );
}

/** node-gyp creates its header cache folder even when the download fails. */
function removeIfEmpty(dir) {
  try {
    fs.rmdirSync(dir);
  } catch {
    // absent, or holds headers from an earlier build: keep it
  }
}

function upToDate(electron) {
  try {
    const info = JSON.parse(fs.readFileSync(path.join(outDir, buildInfo), 'utf8'));
    return info.electron === electron && info.arch === process.arch && fs.existsSync(path.join(outDir, binding));
  } catch {
    return false;
  }
}

function build(electron, nodeGyp) {
  const devdir = path.join(os.homedir(), '.electron-gyp');
  const gypArgs = [`--target=${electron}`, `--arch=${process.arch}`, `--dist-url=${HEADERS_URL}`, `--devdir=${devdir}`];
  const headers = runGyp(nodeGyp, ['install', ...gypArgs], root, 120_000);
  if (!headers.ok) {
    removeIfEmpty(devdir);
    const why = headers.timedOut ? 'timed out' : reasonOf(headers.output);
    const hint = strict
      ? 'Connect to the internet and run it again.'
      : 'The CLI, web mode and tests do not need it; run `npm run rebuild:electron` once online to use the desktop app.';
    stop(
      `${strict ? 'cannot build' : 'skipped building'} SQLite for Electron ${electron}: cannot fetch Electron's headers from ${HEADERS_URL} (${why}). ${hint}`,
    );
  }
  const source = path.dirname(require.resolve('better-sqlite3/package.json'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cliplab-sqlite-electron-'));
  try {
    // A private copy: building in node_modules would replace the Node build everything else uses.
    fs.cpSync(source, work, {
      recursive: true,
      filter: (f) => path.relative(source, f).split(path.sep)[0] !== 'build',
    });
    const compiled = runGyp(nodeGyp, ['rebuild', '--release', ...gypArgs], work, 30 * 60_000);
    if (!compiled.ok) stop(`building SQLite for Electron ${electron} failed: ${reasonOf(compiled.output)}`);
    fs.mkdirSync(outDir, { recursive: true });
    const temp = path.join(outDir, `${binding}.${process.pid}.tmp`);
    fs.copyFileSync(path.join(work, 'build', 'Release', binding), temp);
    fs.renameSync(temp, path.join(outDir, binding));
    const info = {
      electron,
      arch: process.arch,
      platform: process.platform,
      betterSqlite3: packageVersion('better-sqlite3'),
    };
    fs.writeFileSync(path.join(outDir, buildInfo), `${JSON.stringify(info, null, 2)}\n`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function main() {
  if (process.env.CLIPLAB_SKIP_ELECTRON_BUILD === '1') {
    stop('skipped building SQLite for Electron (CLIPLAB_SKIP_ELECTRON_BUILD=1)', { failure: false });
  }
  const electron = packageVersion('electron');
  if (!electron) stop('skipped building SQLite for Electron: the electron package is not installed');
  if (!packageVersion('better-sqlite3')) stop('cannot build SQLite for Electron: better-sqlite3 is not installed');
  if (!force && upToDate(electron)) {
    stop(`SQLite for Electron ${electron} is up to date in ${path.relative(root, outDir)}`, { failure: false });
  }
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) stop(`skipped building SQLite for Electron ${electron}: node-gyp not found (it ships with npm)`);
  build(electron, nodeGyp);
  process.stderr.write(`cliplab: built SQLite for Electron ${electron} into ${path.relative(root, outDir)}\n`);
}

main();
