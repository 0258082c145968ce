/** Commands that only read never create a database: a mistyped --db is an error naming the path. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli';
import { tempDir } from '../support/temp';

describe('read commands on a database that does not exist', () => {
  it.each([
    ['runs'],
    ['runs', '--json'],
    ['show', '1'],
    ['diagnose', '1'],
    ['export-config', '1', '--to', 'verl'],
    ['export-data', '--runs', '1', '--format', 'csv', '--out', 'x.csv'],
    ['export-figure', '--runs', '1', '--metric', 'entropy', '--format', 'svg', '--out', 'x.svg'],
  ])('cliplab %s refuses, names the path, and creates nothing', async (...argv) => {
    const dir = tempDir();
    const typo = path.join(dir, 'expriments', 'lab.db');
    const r = await runCli([...argv, '--db', typo]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`--db ${typo}: no such database`);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('says when the path came from CLIPLAB_DB', async () => {
    const typo = path.join(tempDir(), 'nope.db');
    const r = await runCli(['runs'], { CLIPLAB_DB: typo });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`CLIPLAB_DB ${typo}: no such database`);
    expect(fs.existsSync(typo)).toBe(false);
  });

  it('still reads an existing database, empty or not', async () => {
    const db = path.join(tempDir(), 'lab.db');
    expect((await runCli(['presets', '--db', db])).code).toBe(0); // a command that may create it
    const r = await runCli(['runs', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`no runs in ${db}`);
  });
});
