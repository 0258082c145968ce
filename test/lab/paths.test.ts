import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLab, defaultDbPath, resolveDbPath, userDataDir } from '../../src-main/lab';
import { tempDir } from '../support/temp';

describe('database location', () => {
  it("is Electron's userData folder for an app named cliplab", () => {
    const home = '/home/ada';
    expect(userDataDir({ platform: 'linux', env: {}, home })).toBe('/home/ada/.config/cliplab');
    expect(userDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '/xdg' }, home })).toBe('/xdg/cliplab');
    expect(userDataDir({ platform: 'linux', env: { XDG_CONFIG_HOME: 'relative' }, home })).toBe(
      '/home/ada/.config/cliplab',
    );
    expect(userDataDir({ platform: 'darwin', env: {}, home: '/Users/ada' })).toBe(
      '/Users/ada/Library/Application Support/cliplab',
    );
    expect(
      defaultDbPath({
        platform: 'win32',
        env: { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' },
        home: 'C:\\Users\\ada',
      }),
    ).toBe('C:\\Users\\ada\\AppData\\Roaming\\cliplab\\cliplab.db');
    expect(defaultDbPath({ platform: 'linux', env: {}, home })).toBe('/home/ada/.config/cliplab/cliplab.db');
  });

  it('takes --db over CLIPLAB_DB over the default, as an absolute path', () => {
    const env = { CLIPLAB_DB: 'from-env.db', XDG_CONFIG_HOME: '/xdg', HOME: '/home/ada' };
    expect(resolveDbPath('option.db', env)).toBe(path.resolve('option.db'));
    expect(resolveDbPath(undefined, env)).toBe(path.resolve('from-env.db'));
    expect(resolveDbPath(undefined, { XDG_CONFIG_HOME: '/xdg' })).toBe(
      process.platform === 'linux' ? '/xdg/cliplab/cliplab.db' : defaultDbPath({ env: { XDG_CONFIG_HOME: '/xdg' } }),
    );
  });

  it('creates the folder on first use', async () => {
    const file = path.join(tempDir(), 'nested', 'deeper', 'cliplab.db');
    const lab = createLab({ dbPath: file });
    await lab.close();
    expect(fs.existsSync(file)).toBe(true);
  });
});
