/**
 * electron-builder hooks (electron-builder.config.ts):
 * - beforePack puts better-sqlite3's Electron build for the package's platform and arch in
 *   resources/native/electron/<platform>-<arch>/ (scripts/build-electron-sqlite.mjs: the published
 *   prebuild, else a compile on a matching machine), which extraResources then ships;
 * - afterPack flips the release fuses (./fuses.ts) in the packaged Electron binary, before signing.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { flipFuses } from '@electron/fuses';
import type { AfterPackContext } from 'electron-builder';
import { RELEASE_FUSES } from './fuses';

/** electron-builder passes the same context to beforePack and afterPack. */
type BeforePackContext = AfterPackContext;

const root = path.resolve(import.meta.dirname, '..', '..');

/** electron-builder's Arch enum (builder-util), as Node names the architectures. */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'] as const;

export function targetOf(context: Pick<BeforePackContext, 'electronPlatformName' | 'arch'>) {
  const platform = context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName;
  const arch = ARCH_NAMES[context.arch];
  if (arch === undefined || arch === 'universal') {
    throw new Error(`cliplab packages are built per architecture (x64, arm64), not ${arch ?? context.arch}`);
  }
  return { platform, arch: arch === 'armv7l' ? 'arm' : arch };
}

export async function beforePack(context: BeforePackContext): Promise<void> {
  const { platform, arch } = targetOf(context);
  const script = path.join(root, 'scripts', 'build-electron-sqlite.mjs');
  const r = spawnSync(process.execPath, [script, '--strict', '--platform', platform, '--arch', arch], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  const said = (r.stderr ?? '').trim().replace(/^cliplab: /, '');
  if (r.status !== 0) throw new Error(said || `fetching SQLite for Electron (${platform}-${arch}) failed`);
  if (said) process.stderr.write(`  • ${said}\n`);
}

/** The file whose fuses are flipped: the executable, or the .app bundle on macOS. */
export function electronBinaryOf(context: Pick<AfterPackContext, 'appOutDir' | 'electronPlatformName' | 'packager'>) {
  const { productFilename } = context.packager.appInfo;
  switch (context.electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(context.appOutDir, `${productFilename}.app`);
    case 'win32':
      return path.join(context.appOutDir, `${productFilename}.exe`);
    default:
      return path.join(context.appOutDir, (context.packager as { executableName?: string }).executableName!);
  }
}

export async function afterPack(context: AfterPackContext): Promise<void> {
  const { platform, arch } = targetOf(context);
  await flipFuses(electronBinaryOf(context), {
    ...RELEASE_FUSES,
    // Flipping fuses invalidates the ad-hoc signature Apple Silicon requires until the real signing.
    resetAdHocDarwinSignature: platform === 'darwin' && arch === 'arm64',
  });
}
