/**
 * A database this user cannot write is refused before SQLite touches it, naming the file: opened
 * anyway, SQLite would leave a read-only -shm beside it that breaks every later write. Permissions
 * mean nothing to root, so when the tests run as root the opening process runs as `nobody`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/store';
import { tempDir } from '../support/temp';

const child = path.join(import.meta.dirname, 'open-child.ts');
const root = process.getuid?.() === 0;
const NOBODY = 65534;

interface Opened {
  ok: boolean;
  kind?: string;
  message?: string;
  runs?: number;
}

/** Opens `file` in another process, as nobody when we are root. */
function openElsewhere(file: string, mode: 'write' | 'read' = 'write'): Opened {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, file, mode], {
    encoding: 'utf8',
    cwd: path.join(import.meta.dirname, '..', '..'),
    ...(root ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  if (!r.stdout) throw new Error(`the opening process failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Opened;
}

/** A database with one run, made (as this user) in a folder every user may enter. */
function database(): string {
  const dir = tempDir();
  fs.chmodSync(dir, 0o755);
  const file = path.join(dir, 'lab.db');
  openStore(file).close();
  return file;
}

describe.skipIf(process.platform === 'win32')('a database this user cannot write', () => {
  it.each(['write', 'read'] as const)('is refused (%s), naming the file, and nothing is created beside it', (mode) => {
    const file = database();
    fs.chmodSync(file, 0o444);
    fs.chmodSync(path.dirname(file), 0o777); // SQLite could create a -shm here: it must not get the chance
    const before = fs.readdirSync(path.dirname(file));
    const opened = openElsewhere(file, mode);
    expect(opened).toMatchObject({ ok: false, kind: 'readonly' });
    expect(opened.message).toContain(`database ${file}: this user cannot write the file`);
    expect(fs.readdirSync(path.dirname(file))).toEqual(before); // no read-only -shm left behind
  });

  it('with a read-only -shm left beside it says which file to delete', () => {
    const file = database();
    fs.chmodSync(path.dirname(file), 0o777);
    fs.chmodSync(file, 0o666);
    fs.writeFileSync(`${file}-shm`, Buffer.alloc(32 * 1024));
    fs.chmodSync(`${file}-shm`, 0o444);
    const opened = openElsewhere(file);
    expect(opened).toMatchObject({ ok: false, kind: 'readonly' });
    expect(opened.message).toContain(`${file}-shm is read-only`);
    expect(opened.message).toContain('delete lab.db-shm');
    fs.rmSync(`${file}-shm`);
    expect(openElsewhere(file)).toMatchObject({ ok: true, runs: 0 });
  });

  it('in a folder this user cannot write to is refused, naming the folder', () => {
    const file = database();
    fs.chmodSync(file, 0o666);
    fs.chmodSync(path.dirname(file), 0o555);
    const opened = openElsewhere(file);
    expect(opened).toMatchObject({ ok: false, kind: 'readonly' });
    expect(opened.message).toContain(`cannot create files in ${path.dirname(file)}`);
    fs.chmodSync(path.dirname(file), 0o755);
  });
});
