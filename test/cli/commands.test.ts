import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src-main/store';
import { PRESETS, presetConfig } from '../../src-main/contract';
import { APP_VERSION, createLab, createLocalRun } from '../../src-main/lab';
import { runCli as cli } from '../support/cli';
import { tempDbPath } from '../support/temp';

/** A database with two runs; the first has metrics, one NaN among them. */
async function seededDb(): Promise<{ db: string; ids: number[] }> {
  const db = tempDbPath();
  const lab = createLab({ dbPath: db });
  const a = createLocalRun(lab.context, presetConfig('tabular-random-sym'), { name: 'sym seed 1', tags: ['paper'] });
  const b = createLocalRun(lab.context, presetConfig('gpt-random-dapo'), { name: 'dapo' });
  lab.context.store.appendMetrics(a.id, [
    { key: 'entropy', step: 0, value: 4.15 },
    { key: 'entropy', step: 1, value: 4.05 },
    { key: 'clip/high_frac', step: 0, value: 0.01 },
    { key: 'clip/high_frac', step: 1, value: Number.NaN },
  ]);
  await lab.close();
  return { db, ids: [a.id, b.id] };
}

describe('cliplab', () => {
  it('prints help, per-command usage and the version', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const name of ['runs', 'show', 'presets', 'serve', 'db'])
      expect(help.stdout).toMatch(new RegExp(`\\n  ${name} `));
    expect((await cli([])).stdout).toBe(help.stdout);
    const usage = await cli(['show', '--help']);
    expect(usage).toMatchObject({ code: 0, stderr: '' });
    expect(usage.stdout).toMatch(/^cliplab show RUN/);
    expect((await cli(['help', 'runs'])).stdout).toMatch(/^cliplab runs/);
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${APP_VERSION}\n`, stderr: '' });
  });

  it('refuses an unknown command with exit code 2', async () => {
    const r = await cli(['rnus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command "rnus"; expected one of: .*\bruns\b.*\bshow\b/);
  });

  it('runs --json: an array of run objects; runs: a table', async () => {
    const { db, ids } = await seededDb();
    const json = await cli(['runs', '--json', '--db', db]);
    expect(json.code).toBe(0);
    const runs = JSON.parse(json.stdout);
    expect(runs.map((r: { id: number }) => r.id)).toEqual(ids);
    expect(runs[0]).toMatchObject({ id: ids[0], name: 'sym seed 1', status: 'queued', tags: ['paper'], step: 1 });
    expect(runs[0].config).toEqual(presetConfig('tabular-random-sym'));
    const table = await cli(['runs', '--db', db]);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+STATUS\s+STEPS\s+ENTROPY/);
    expect(table.stdout).toMatch(new RegExp(`${ids[0]}\\s+sym seed 1\\s+queued\\s+2/${runs[0].steps}\\s+4\\.05`));
    expect((await cli(['--db', db, 'runs', '--json'])).stdout).toBe(json.stdout);
    expect((await cli([`--db=${db}`, 'runs', '--json'])).stdout).toBe(json.stdout);
    const tagged = JSON.parse((await cli(['runs', '--json', '--tag', 'paper', '--db', db])).stdout);
    expect(tagged.map((r: { id: number }) => r.id)).toEqual([ids[0]]);
  });

  it('runs on an empty database says so; CLIPLAB_DB chooses the file', async () => {
    const db = tempDbPath();
    openStore(db).close(); // read commands do not create a named database (read-commands.test.ts)
    const r = await cli(['runs'], { CLIPLAB_DB: db });
    expect(r).toEqual({ code: 0, stdout: `no runs in ${db}\n`, stderr: '' });
    expect(JSON.parse((await cli(['runs', '--json'], { CLIPLAB_DB: db })).stdout)).toEqual([]);
  });

  it('runs --status with a wrong status names the field and what was expected', async () => {
    const { db } = await seededDb();
    const r = await cli(['runs', '--status', 'sleeping', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/status\[0\]: expected one of "queued", "running"/);
  });

  it('show --json: the run and its metrics as step/value points (NaN as null)', async () => {
    const { db, ids } = await seededDb();
    const r = await cli(['show', String(ids[0]), '--json', '--db', db]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.run).toMatchObject({ id: ids[0], name: 'sym seed 1', origin: 'local' });
    expect(doc.metrics).toEqual({
      'clip/high_frac': [
        { step: 0, value: 0.01 },
        { step: 1, value: null },
      ],
      entropy: [
        { step: 0, value: 4.15 },
        { step: 1, value: 4.05 },
      ],
    });
    const only = JSON.parse((await cli(['show', 'sym seed 1', '--metrics', 'entropy', '--json', '--db', db])).stdout);
    expect(Object.keys(only.metrics)).toEqual(['entropy']);
    const none = JSON.parse((await cli(['show', String(ids[1]), '--json', '--db', db])).stdout);
    expect(none.metrics).toEqual({});
  });

  it('show: a readable summary with config and metric table', async () => {
    const { db, ids } = await seededDb();
    const r = await cli(['show', String(ids[0]), '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^run ${ids[0]}  sym seed 1\\n  status    queued \\(step 1 of \\d+\\)`));
    expect(r.stdout).toMatch(/\n {4}objective +loss=ppo clipLow=0\.2 clipHigh=0\.2/);
    expect(r.stdout).toMatch(/\nMETRIC +POINTS +STEPS +START +FINAL +PEAK +MIN\n/);
    expect(r.stdout).toMatch(/\nentropy +2 +0-1 +4\.15 @0 +4\.05 @1 +4\.15 @0 +4\.05 @1\n/);
    // A NaN last point is skipped: final is the last logged value that is a number.
    expect(r.stdout).toMatch(/\nclip\/high_frac +2 +0-1 +0\.01 @0 +0\.01 @0 +0\.01 @0 +0\.01 @0\n/);
    expect(r.stdout).toMatch(/\nentropy +collapse step never; half-life never\n/);
  });

  it.each([
    [['show'], 2, /cliplab show: missing RUN\n\nUsage: cliplab show RUN/],
    [['show', '1', '2'], 2, /unexpected argument "2"/],
    [['show', '0'], 2, /RUN: expected a run id \(1 or more\) or a run name, got "0"/],
    [['show', '99'], 1, /^cliplab show: run 99 not found\n$/],
    [['show', 'nobody'], 1, /no run with id or name "nobody"/],
    [
      ['show', '1', '--metrics', 'entropy,kl/ref'],
      1,
      /run 1 has no metric "kl\/ref"; it has: clip\/high_frac, entropy/,
    ],
    [['show', '1', '--metric', 'entropy'], 2, /unknown option --metric; expected one of --json, --metrics/],
  ])('%j fails with exit code %i', async (argv, code, message) => {
    const { db } = await seededDb();
    const r = await cli([...argv, '--db', db]);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('presets: every preset by name, or as JSON', async () => {
    const db = tempDbPath();
    const json = await cli(['presets', '--json', '--db', db]);
    expect(JSON.parse(json.stdout).map((p: { name: string }) => p.name)).toEqual(PRESETS.map((p) => p.name));
    const text = await cli(['presets', '--db', db]);
    for (const p of PRESETS) expect(text.stdout).toContain(`${p.name} `);
  });

  it('db check: ok on a healthy file, without creating a missing one', async () => {
    const { db } = await seededDb();
    const ok = await cli(['db', 'check', '--db', db]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      new RegExp(`^database ${db}: ok \\(schema version \\d+; 2 runs, 4 metric points, 0 checkpoints\\)\\n$`),
    );
    expect(JSON.parse((await cli(['db', 'check', '--json', '--db', db])).stdout)).toMatchObject({
      ok: true,
      problems: [],
    });
    const missing = tempDbPath();
    const r = await cli(['db', 'check', '--db', missing]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`cliplab db: database ${missing}: no such file\n`);
    expect(fs.existsSync(missing)).toBe(false);
    expect((await cli(['db', '--db', db])).code).toBe(2);
    expect((await cli(['db', 'vacuum', '--db', db])).stderr).toMatch(
      /unknown subcommand "vacuum"; expected one of: check/,
    );
  });

  it('refuses a file that is not a cliplab database on every command, leaving it unchanged', async () => {
    const db = tempDbPath();
    const bytes = Buffer.from('this is a text file, not a database\n'.repeat(20));
    fs.writeFileSync(db, bytes);
    for (const argv of [['runs'], ['show', '1'], ['db', 'check']]) {
      const r = await cli([...argv, '--db', db]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`database ${db}: not an SQLite database`);
    }
    expect(fs.readFileSync(db)).toEqual(bytes);
  });
});
