/**
 * scripts/build-electron-sqlite.mjs takes better-sqlite3's published Electron prebuild through
 * better-sqlite3's own prebuild-install. Here a local server stands in for the release downloads
 * (prebuild-install's documented mirror setting), serving a tarball laid out like the published ones.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileTempDir, tempDir } from '../support/temp';

const root = path.resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const sqliteDir = path.dirname(require.resolve('better-sqlite3/package.json'));
const sqliteVersion = JSON.parse(fs.readFileSync(path.join(sqliteDir, 'package.json'), 'utf8')).version as string;
const electronVersion = JSON.parse(fs.readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
// Electron 45's module ABI (node-abi), as in the published asset names.
const ABI = '150';

const served = fileTempDir();
let server: http.Server;
let mirror = '';

beforeAll(async () => {
  // The published layout: build/Release/better_sqlite3.node in a .tar.gz named after runtime, ABI, platform, arch.
  const staging = path.join(served, 'staging');
  fs.mkdirSync(path.join(staging, 'build', 'Release'), { recursive: true });
  fs.copyFileSync(
    path.join(sqliteDir, 'build', 'Release', 'better_sqlite3.node'),
    path.join(staging, 'build', 'Release', 'better_sqlite3.node'),
  );
  const asset = `better-sqlite3-v${sqliteVersion}-electron-v${ABI}-linux-x64.tar.gz`;
  const tarball = path.join(served, asset);
  await new Promise<void>((resolve, reject) =>
    spawn('tar', ['czf', tarball, 'build'], { cwd: staging })
      .on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tar exited ${code}`))))
      .on('error', reject),
  );
  server = http.createServer((req, res) => {
    if (req.url !== `/v${sqliteVersion}/${asset}`) res.writeHead(404).end();
    else res.writeHead(200, { 'Content-Length': fs.statSync(tarball).size }).end(fs.readFileSync(tarball));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mirror = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function runScript(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const env = {
    ...process.env,
    npm_config_better_sqlite3_binary_host: mirror,
    npm_config_cache: tempDir(), // prebuild-install's download cache
    CLIPLAB_SKIP_ELECTRON_BUILD: '',
  };
  const child = spawn(process.execPath, [path.join(root, 'scripts', 'build-electron-sqlite.mjs'), ...args], { env });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

describe('SQLite for Electron from better-sqlite3 prebuilds', () => {
  it('fetches the published prebuild for the target into <out>/<platform>-<arch>/', async () => {
    const out = tempDir();
    const r = await runScript(['--strict', '--platform', 'linux', '--arch', 'x64', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `fetched better-sqlite3's prebuild of SQLite for Electron ${electronVersion} (linux-x64)`,
    );
    const dir = path.join(out, 'linux-x64');
    const published = fs.readFileSync(path.join(sqliteDir, 'build', 'Release', 'better_sqlite3.node'));
    expect(fs.readFileSync(path.join(dir, 'better_sqlite3.node')).equals(published)).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'build-info.json'), 'utf8'))).toEqual({
      electron: electronVersion,
      platform: 'linux',
      arch: 'x64',
      betterSqlite3: sqliteVersion,
      source: 'prebuild',
    });
    // A second run finds it up to date and fetches nothing.
    const again = await runScript(['--strict', '--platform', 'linux', '--arch', 'x64', '--out', out]);
    expect(again.stderr).toMatch(/is up to date/);
  });

  it('says in one line when no prebuild exists for another platform, failing only under --strict', async () => {
    const out = tempDir();
    const strict = await runScript(['--strict', '--platform', 'win32', '--arch', 'arm64', '--out', out]);
    expect(strict.code).toBe(1);
    expect(strict.stderr.trim().split('\n')).toHaveLength(1);
    expect(strict.stderr).toMatch(/no SQLite for Electron .* \(win32-arm64\): no prebuild \(none published\)/);
    const lenient = await runScript(['--platform', 'win32', '--arch', 'arm64', '--out', out]);
    expect(lenient.code).toBe(0); // postinstall must not fail an install
    expect(fs.existsSync(path.join(out, 'win32-arm64'))).toBe(false);
  });
});
