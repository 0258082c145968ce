/**
 * Where the database lives. The default is the folder Electron uses as `userData` for an app named
 * cliplab, so the desktop app, the CLI and web mode all find the same runs without configuration.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const APP_NAME = 'cliplab';
export const DB_FILE = 'cliplab.db';
/** Environment variable that overrides the default database (the `--db` option overrides both). */
export const DB_ENV = 'CLIPLAB_DB';

export interface PathEnv {
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  home?: string;
}

type AppDataRule = (env: NodeJS.ProcessEnv, home: string) => string;

/** Electron's `appData` per platform (Chromium's rules; other Unixes follow Linux and XDG_CONFIG_HOME). */
const APP_DATA: Partial<Record<NodeJS.Platform, AppDataRule>> = {
  darwin: (_env, home) => path.posix.join(home, 'Library', 'Application Support'),
  win32: (env, home) => env.APPDATA || path.win32.join(home, 'AppData', 'Roaming'),
};
const XDG_APP_DATA: AppDataRule = (env, home) =>
  env.XDG_CONFIG_HOME && path.posix.isAbsolute(env.XDG_CONFIG_HOME)
    ? env.XDG_CONFIG_HOME
    : path.posix.join(home, '.config');

const pathFor = (platform: NodeJS.Platform) => (platform === 'win32' ? path.win32 : path.posix);

/** Electron's `app.getPath('userData')` for cliplab. */
export function userDataDir(where: PathEnv = {}): string {
  const platform = where.platform ?? process.platform;
  const rule = APP_DATA[platform] ?? XDG_APP_DATA;
  return pathFor(platform).join(rule(where.env ?? process.env, where.home ?? os.homedir()), APP_NAME);
}

export function defaultDbPath(where: PathEnv = {}): string {
  return pathFor(where.platform ?? process.platform).join(userDataDir(where), DB_FILE);
}

/** The database to use: `--db` if given, else CLIPLAB_DB, else the app-data default. Absolute. */
export function resolveDbPath(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = option || env[DB_ENV] || defaultDbPath({ env });
  return path.resolve(chosen);
}

/** Creates the database's folder on first use. */
export function ensureDbFolder(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
}
