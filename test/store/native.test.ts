import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src-main/store';
import { ELECTRON_BINDING, ELECTRON_BUILD_INFO, nativeBindingOption } from '../../src-main/store/native';
import { tempDir } from '../support/temp';

/** A folder holding a loadable better-sqlite3 build (Node's, standing in for Electron's) and its build info. */
function buildDir(electron: string | null): string {
  const dir = tempDir();
  const pkg = path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json'));
  fs.copyFileSync(path.join(pkg, 'build', 'Release', ELECTRON_BINDING), path.join(dir, ELECTRON_BINDING));
  if (electron) fs.writeFileSync(path.join(dir, ELECTRON_BUILD_INFO), JSON.stringify({ electron }));
  return dir;
}

describe('native SQLite build per runtime', () => {
  it('uses the default build under plain Node', () => {
    expect(nativeBindingOption('x.db', { electron: undefined })).toEqual({});
  });

  it('under Electron, loads the build kept beside the app', () => {
    const dir = buildDir('45.5.0');
    const option = nativeBindingOption('x.db', { electron: '45.5.0', searchDirs: [tempDir(), dir] });
    expect(option).toEqual({ nativeBinding: path.join(dir, ELECTRON_BINDING) });
    const db = new Database(':memory:', option);
    expect(db.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 });
    db.close();
  });

  it('under Electron without that build, tells the user to run npm run rebuild:electron', () => {
    const call = () => nativeBindingOption('/data/cliplab.db', { electron: '45.5.0', searchDirs: [tempDir()] });
    expect(call).toThrow(StoreError);
    expect(call).toThrow(
      /database \/data\/cliplab\.db: SQLite is not built for Electron 45\.5\.0 yet: run `npm run rebuild:electron`/,
    );
  });

  it('refuses a build made for another Electron version', () => {
    const dir = buildDir('44.0.0');
    expect(() => nativeBindingOption('x.db', { electron: '45.5.0', searchDirs: [dir] })).toThrow(
      /built for Electron 44\.0\.0 but this is Electron 45\.5\.0: run `npm run rebuild:electron`/,
    );
  });
});
