/**
 * Desktop packages: AppImage and .deb (Linux), .dmg (macOS), NSIS installer (Windows).
 * `npm run dist` builds the app, then `electron-builder --config electron-builder.config.ts` for this
 * machine's platform (`-- --linux`, `--mac`, `--win` for others; see the README for what crosses).
 * Icons come from resources/ (scripts/make-icons.mjs renders them from resources/icon.svg).
 */
import type { Configuration, FileSet } from 'electron-builder';
import { afterPack, beforePack } from './scripts/packaging/hooks';

/** better-sqlite3 built for Electron, for the package's own platform (the beforePack hook fetches it). */
const electronSqlite = (platform: 'linux' | 'darwin' | 'win32'): FileSet => ({
  from: `resources/native/electron/${platform}-\${arch}`,
  to: 'native/electron',
  filter: ['better_sqlite3.node', 'build-info.json'],
});

/** webgpu ships Dawn for every platform (~100 MB): each package keeps its own. */
const onlyDawnFor = (platform: 'linux' | 'darwin' | 'win32'): string[] =>
  ['linux', 'darwin', 'win32'].filter((p) => p !== platform).map((p) => `!node_modules/webgpu/dist/${p}-*/**`);

const config: Configuration = {
  appId: 'org.cliplab.workbench',
  productName: 'cliplab',
  executableName: 'cliplab',
  copyright: 'Copyright © cliplab contributors',
  directories: { output: 'dist', buildResources: 'resources' },
  // The built app (electron-vite's out/) and the production dependencies electron-builder adds.
  files: [
    'out/**',
    'package.json',
    // Node's build of better-sqlite3 and its C sources: the app loads the Electron build instead.
    '!node_modules/better-sqlite3/{build,deps,src,docs,benchmark}/**',
    '!node_modules/**/*.{md,ts,map}',
    '!node_modules/**/{test,tests,__tests__}/**',
  ],
  asar: true,
  // Native modules are not rebuilt in node_modules (that would break the CLI under plain Node):
  // better-sqlite3 comes from extraResources; @napi-rs/canvas and webgpu are N-API and load as they are.
  npmRebuild: false,
  nodeGypRebuild: false,
  buildDependenciesFromSource: false,
  beforePack,
  afterPack,
  linux: {
    target: ['AppImage', 'deb'],
    icon: 'resources/icons',
    category: 'Science',
    maintainer: 'cliplab contributors',
    synopsis: 'How PPO/GRPO clipping shapes policy entropy in RL with verifiable rewards',
    files: onlyDawnFor('linux'),
    extraResources: [electronSqlite('linux')],
  },
  appImage: { artifactName: '${productName}-${version}-${arch}.${ext}' },
  deb: { artifactName: '${productName}_${version}_${arch}.${ext}' },
  mac: {
    target: ['dmg'],
    icon: 'resources/icon.icns',
    category: 'public.app-category.developer-tools',
    hardenedRuntime: true,
    files: onlyDawnFor('darwin'),
    extraResources: [electronSqlite('darwin')],
  },
  dmg: { artifactName: '${productName}-${version}-${arch}.${ext}' },
  win: {
    target: ['nsis'],
    icon: 'resources/icon.ico',
    files: onlyDawnFor('win32'),
    extraResources: [electronSqlite('win32')],
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    artifactName: '${productName}-Setup-${version}-${arch}.${ext}',
  },
};

export default config;
