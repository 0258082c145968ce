#!/usr/bin/env node
// `npm start`: builds the app and opens it in Electron.
//
// Since Electron 42 the npm package holds no binary: the first `require('electron')` downloads it,
// and where that cannot happen (offline, a proxy) it throws a stack trace. This checks for the binary
// first, fetches it once with the package's own installer when it is missing, and when that fails says
// so in one line (what is missing, how to fetch it, and that web mode works without it) instead.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(path.join(root, 'package.json'));
const WEB_HINT = '`npm run web` opens the same workbench in your browser now';

function fail(message) {
  process.stderr.write(`cliplab: ${message}\n`);
  process.exit(1);
}

/** The executable's name inside Electron's dist folder, as the electron package lays it out. */
function executableIn(electronDir) {
  const recorded = path.join(electronDir, 'path.txt');
  if (fs.existsSync(recorded)) return fs.readFileSync(recorded, 'utf8').trim();
  if (process.platform === 'darwin') return 'Electron.app/Contents/MacOS/Electron';
  return process.platform === 'win32' ? 'electron.exe' : 'electron';
}

function electronBinary(electronDir) {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const dist = override || path.join(electronDir, 'dist');
  return { file: path.join(dist, executableIn(electronDir)), dist, override: Boolean(override) };
}

/** Why the installer failed, in a few words: the network error if there was one, else its first line. */
function downloadReason(output) {
  const network = /(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|CERT_\w+|HTTPError: .*?)(?:\s|$)/.exec(
    output,
  );
  if (network) return network[1];
  if (/fetch failed/.test(output)) return 'the network request failed';
  const first = output.split(/\r?\n/).find((l) => l.trim() && !/^\s+at /.test(l));
  return first?.trim().slice(0, 160) ?? 'no output';
}

/** Fetches the binary with electron's own installer (`install-electron`); returns why it failed, or null. */
function fetchElectron(electronDir, version) {
  const tty = process.stderr.isTTY && process.env.TERM !== 'dumb';
  if (tty) process.stderr.write(`cliplab: fetching Electron ${version} (once, about 100 MB)…`);
  const r = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], {
    cwd: electronDir,
    encoding: 'utf8',
    timeout: 15 * 60_000,
  });
  // The progress note is replaced by whatever comes next: one line on screen either way.
  if (tty) process.stderr.write('\r\x1b[K');
  if (r.status === 0) return null;
  return r.error?.code === 'ETIMEDOUT' ? 'timed out' : downloadReason(`${r.stderr ?? ''}${r.stdout ?? ''}`);
}

function ensureElectron() {
  let electronDir;
  try {
    electronDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    fail(`the electron package is not installed: run \`npm install\` in the cliplab folder; ${WEB_HINT}`);
  }
  const { version } = JSON.parse(fs.readFileSync(path.join(electronDir, 'package.json'), 'utf8'));
  let binary = electronBinary(electronDir);
  if (fs.existsSync(binary.file)) return binary.file;
  const shown = path.relative(root, binary.file);
  if (binary.override) {
    fail(
      `Electron's binary is missing at ${binary.file} (ELECTRON_OVERRIDE_DIST_PATH); unset it or unpack Electron ${version} there; ${WEB_HINT}`,
    );
  }
  const why = fetchElectron(electronDir, version);
  binary = electronBinary(electronDir);
  if (why !== null || !fs.existsSync(binary.file)) {
    fail(
      `Electron ${version}'s binary is missing (${shown}) and could not be downloaded (${why ?? 'no binary after install'}); fetch it with \`npx install-electron\` once online; ${WEB_HINT}`,
    );
  }
  return binary.file;
}

function run(file, args) {
  const child = spawn(file, args, { cwd: root, stdio: 'inherit', windowsHide: false });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const electron = ensureElectron();
const electronVite = path.join(path.dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
const build = spawnSync(process.execPath, [electronVite, 'build'], {
  cwd: root,
  stdio: 'inherit',
});
if (build.status !== 0) process.exit(build.status ?? 1);
run(electron, ['.', ...process.argv.slice(2)]);
