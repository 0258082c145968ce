/**
 * The desktop packages cannot be built here (electron-builder downloads Electron itself), so the
 * configuration is checked the way electron-builder reads it, and the two hooks are run for real:
 * the fuses flipped in a file laid out like Electron's binary, the SQLite build placed where
 * extraResources takes it from.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import type { AfterPackContext, Configuration, FileSet } from 'electron-builder';
import { describe, expect, it } from 'vitest';
import { RELEASE_FUSES } from '../../scripts/packaging/fuses';
import { afterPack, electronBinaryOf, targetOf } from '../../scripts/packaging/hooks';
import { tempDir } from '../support/temp';

const root = path.resolve(import.meta.dirname, '..', '..');
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

async function loadConfig(): Promise<Configuration> {
  // electron-builder's own loader (jiti for .ts) and its JSON-schema validation.
  const { getConfig, validateConfiguration } = await import('app-builder-lib/out/util/config/config.js');
  const { DebugLogger } = await import('builder-util');
  const config = (await getConfig(root, 'electron-builder.config.ts', null)) as Configuration;
  await validateConfiguration(config as never, new DebugLogger(false));
  return config;
}

/** A stand-in for Electron's binary: some bytes, the fuse sentinel, version 1, and `wire` fuse states. */
function fakeElectron(dir: string, name: string, wire: number[]): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const body = Buffer.concat([
    Buffer.alloc(4096, 7),
    Buffer.from(FUSE_SENTINEL),
    Buffer.from([1, wire.length, ...wire]),
  ]);
  fs.writeFileSync(file, Buffer.concat([body, Buffer.alloc(4096, 7)]));
  return file;
}

function packContext(appOutDir: string, electronPlatformName: string, arch: number): AfterPackContext {
  const packager = { appInfo: { productFilename: 'cliplab' }, executableName: 'cliplab' };
  return { appOutDir, electronPlatformName, arch, packager, outDir: appOutDir, targets: [] } as never;
}

describe('electron-builder configuration', () => {
  it('loads and validates as electron-builder reads it, with AppImage, .deb, .dmg and NSIS', async () => {
    const config = await loadConfig();
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.npmRebuild).toBe(false); // node_modules keeps Node's build for the CLI and the tests
    expect(typeof config.beforePack).toBe('function');
    expect(typeof config.afterPack).toBe('function');
  });

  it('rejects what electron-builder would reject (the validation is real)', async () => {
    const { validateConfiguration } = await import('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = await import('builder-util');
    await expect(validateConfiguration({ nsis: { oneClik: false } } as never, new DebugLogger(false))).rejects.toThrow(
      /configuration/i,
    );
  });

  it('points every OS at its icon and its own SQLite build for Electron', async () => {
    const config = await loadConfig();
    expect(fs.statSync(path.join(root, config.linux!.icon!)).isDirectory()).toBe(true);
    expect(fs.readFileSync(path.join(root, config.mac!.icon!)).subarray(0, 4).toString('latin1')).toBe('icns');
    expect([...fs.readFileSync(path.join(root, config.win!.icon!)).subarray(0, 4)]).toEqual([0, 0, 1, 0]);
    for (const [os, platform] of [
      ['linux', 'linux'],
      ['mac', 'darwin'],
      ['win', 'win32'],
    ] as const) {
      const [sqlite] = config[os]!.extraResources as FileSet[];
      expect(sqlite).toMatchObject({ from: `resources/native/electron/${platform}-\${arch}`, to: 'native/electron' });
      // src-main/store/native.ts looks for the build in <resources>/native/electron/ in a package.
      expect(sqlite.filter).toContain('better_sqlite3.node');
    }
  });

  it('maps electron-builder targets to Node platform and arch names', () => {
    expect(targetOf({ electronPlatformName: 'linux', arch: 1 })).toEqual({ platform: 'linux', arch: 'x64' });
    expect(targetOf({ electronPlatformName: 'mas', arch: 3 })).toEqual({ platform: 'darwin', arch: 'arm64' });
    expect(() => targetOf({ electronPlatformName: 'darwin', arch: 4 })).toThrow(/per architecture/);
  });
});

describe('release fuses (afterPack)', () => {
  it('flips every fuse to the release setting in the packaged binary', async () => {
    const dir = tempDir();
    const binary = fakeElectron(dir, 'cliplab', Array(9).fill(FuseState.ENABLE));
    const context = packContext(dir, 'linux', 1);
    expect(electronBinaryOf(context)).toBe(binary);
    await afterPack(context);
    const wire = await getCurrentFuseWire(binary);
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
    for (const option of Object.values(FuseV1Options).filter((v) => typeof v === 'number')) {
      const wanted = RELEASE_FUSES[option as FuseV1Options];
      expect(wire[option as FuseV1Options], FuseV1Options[option as number]).toBe(
        wanted ? FuseState.ENABLE : FuseState.DISABLE,
      );
    }
  });

  it('fails the build when Electron has a fuse this list does not set', async () => {
    const dir = tempDir();
    fakeElectron(dir, 'cliplab.exe', Array(10).fill(FuseState.ENABLE));
    await expect(afterPack(packContext(dir, 'win32', 1))).rejects.toThrow(/strictlyRequireAllFuses/);
  });

  it('finds the binary inside the macOS bundle', () => {
    const context = packContext('/out/mac-arm64', 'darwin', 3);
    expect(electronBinaryOf(context)).toBe(path.join('/out/mac-arm64', 'cliplab.app'));
  });
});
