/**
 * Electron fuses of a release build: switches compiled into the Electron binary that turn off ways
 * to run other code through a shipped app. Flipped by the afterPack hook (./hooks.ts) on every
 * package; `strictlyRequireAllFuses` makes a newer Electron with a fuse not listed here fail the
 * build instead of shipping with its default.
 */
import { FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses';

export const RELEASE_FUSES = {
  version: FuseVersion.V1,
  strictlyRequireAllFuses: true,
  // ELECTRON_RUN_AS_NODE would turn the app into a plain Node: run workers are utility processes,
  // so nothing needs it.
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS (--require a file) and --inspect would let any local process inject code.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // electron-builder embeds the asar's hash (macOS Info.plist, Windows resource); Electron checks it.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // The page is loaded from file:// (shell/pages.ts), and Chromium refuses ES module scripts from
  // file:// without these privileges. Serving the renderer from a custom protocol would allow `false`.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: true,
  [FuseV1Options.WasmTrapHandlers]: true,
} satisfies FuseV1Config & { strictlyRequireAllFuses: true };
