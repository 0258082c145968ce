import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, StoreError, openStore } from '../../src-main/store';
import { APPLICATION_ID } from '../../src-main/store/schema';
import { tempDbPath } from '../support/temp';

/** Every file in the folder with its bytes, to prove a refused file (and its folder) was not touched. */
function snapshot(file: string): Map<string, Buffer> {
  const dir = path.dirname(file);
  return new Map(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f))]));
}

function expectRefused(file: string, kind: string, message: RegExp): void {
  const before = snapshot(file);
  let error: unknown;
  try {
    openStore(file).close();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).kind).toBe(kind);
  expect((error as Error).message).toContain(file);
  expect((error as Error).message).toMatch(message);
  expect(snapshot(file)).toEqual(before);
}

describe('openStore', () => {
  it('creates a new file with WAL, foreign keys, busy timeout and the current schema', () => {
    const file = tempDbPath();
    const store = openStore(file);
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    expect(store.settings()).toEqual({
      journalMode: 'wal',
      synchronous: 'NORMAL',
      foreignKeys: true,
      busyTimeoutMs: 5000,
    });
    store.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('application_id', { simple: true })).toBe(APPLICATION_ID);
    raw.close();
  });

  it('reopens its own file without migrating again, and keeps data', () => {
    const file = tempDbPath();
    const a = openStore(file);
    const id = a.createRun({ name: 'r', origin: 'local', status: 'queued', groupKey: 'g', appVersion: '0' });
    a.close();
    const b = openStore(file);
    expect(b.getRun(id)?.name).toBe('r');
    b.close();
  });

  it('refuses random bytes and leaves them unchanged', () => {
    const file = tempDbPath();
    fs.writeFileSync(file, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)));
    expectRefused(file, 'corrupt', /not an SQLite database/);
  });

  it('refuses an SQLite file with damaged pages', () => {
    const file = tempDbPath();
    openStore(file).close();
    const bytes = fs.readFileSync(file);
    bytes.fill(0xa5, 108, 4096); // keep the file and page headers, wreck the schema page's cells
    fs.writeFileSync(file, bytes);
    expectRefused(file, 'corrupt', /damaged/);
  });

  it('refuses an SQLite database of another program', () => {
    const file = tempDbPath();
    const raw = new Database(file);
    raw.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES (1)');
    raw.close();
    expectRefused(file, 'foreign', /not a cliplab database/);
  });

  it('refuses a versioned database of another program', () => {
    const file = tempDbPath();
    const raw = new Database(file);
    raw.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY)');
    raw.pragma('user_version = 1');
    raw.close();
    expectRefused(file, 'foreign', /not a cliplab database/);
  });

  it('refuses a file from a newer cliplab, naming both versions', () => {
    const file = tempDbPath();
    openStore(file).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    raw.close();
    expectRefused(file, 'newer', new RegExp(`schema version ${SCHEMA_VERSION + 5}.*up to ${SCHEMA_VERSION}`));
  });

  it('read-only: refuses a missing file without creating it', () => {
    const file = tempDbPath();
    expect(() => openStore(file, { readonly: true })).toThrow(/no such file/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('read-only: reads a current file and refuses writes', () => {
    const file = tempDbPath();
    const w = openStore(file);
    w.createRun({ name: 'x', origin: 'local', status: 'queued', groupKey: 'g', appVersion: '0' });
    w.close();
    const r = openStore(file, { readonly: true });
    expect(r.listRuns()).toHaveLength(1);
    expect(() => r.renameRun(1, 'y')).toThrow(/readonly/i);
    r.close();
  });

  it('treats an empty file as a new database', () => {
    const file = tempDbPath();
    fs.writeFileSync(file, '');
    const store = openStore(file);
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    store.close();
  });
});
