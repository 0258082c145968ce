/** `cliplab import` (once and --follow) and `cliplab export-config`, on a temporary database. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { followFile } from '../../src-main/cli/import';
import { presetConfig } from '../../src-main/contract';
import { createLab, createLocalRun } from '../../src-main/lab';
import { captureIo, cliOn } from '../support/cli';
import { fileTempDir } from '../support/temp';

const dir = fileTempDir();
const db = path.join(dir, 'import.db');
const cli = cliOn(db);

const realLog = (name: string) => path.join(import.meta.dirname, '..', 'fixtures', 'real-logs', name);

describe('cliplab import', () => {
  it('imports a log, printing the format, reason, aliases and "combined only"', async () => {
    const r = await cli('import', realLog('hanlindu_verl_gsm8k.jsonl'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^imported run 1 "hanlindu_verl_gsm8k": verl-jsonl \(the first line is a JSON object/);
    expect(r.stdout).toMatch(/137 keys, \d+ points, last step 3/);
    expect(r.stdout).toMatch(/clip\/dual_frac <- actor\/pg_clipfrac_lower/);
    expect(r.stdout).toMatch(/clip\/frac <- actor\/pg_clipfrac/);
    expect(r.stdout).toMatch(/combined only/);
    // What the diagnostics can make of it, before anyone opens them: no entropy key here.
    expect(r.stdout).toMatch(
      /diagnose {2}Entropy collapse: not possible, the log has no entropy \(Entropy \(nats\)\)\./,
    );
    expect(r.stdout).toMatch(/note {6}skipped "resize\/mode"/);
    const json = await cli('import', realLog('metahackathon_trainer_state.json'), '--json', '--name', 'meta');
    expect(JSON.parse(json.stdout)).toMatchObject({ format: 'trl-state', run: { name: 'meta', origin: 'imported' } });
  });

  it('exits 1 naming the line of a malformed file and 2 for a bad --format', async () => {
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, 'step,loss\n1,0.5\n2,oops\n');
    const r = await cli('import', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`cliplab import: ${bad}: line 3: column "loss" holds "oops"; expected a number\n`);
    const usage = await cli('import', bad, '--format', 'parquet');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--format: expected auto or one of verl-jsonl, verl-console/);
  });

  it('follows a growing log into one run this process claims, and completes it when stopped', async () => {
    const file = path.join(dir, 'live.log');
    fs.writeFileSync(file, 'starting\n(TaskRunner pid=1) step:1 - actor/entropy:0.700 - actor/pg_clipfrac:0.010\n');
    const lab = createLab({ dbPath: db });
    const c = captureIo();
    const stop = new AbortController();
    try {
      const done = followFile(lab, file, { positionals: [file], options: { interval: '50' } }, c.io, stop.signal);
      await vi.waitFor(() => expect(c.text().stderr).toMatch(/step 1: \+\d+ points/), { timeout: 15_000 });
      const runId = Number(/into run (\d+) "live"/.exec(c.text().stderr)![1]);
      expect(c.text().stderr).toMatch(`following ${file} (verl-console) into run ${runId}`);
      // Claimed like a training worker: a lab that finds this pid gone marks the run interrupted.
      expect(lab.context.store.getRun(runId)).toMatchObject({ status: 'running', workerPid: process.pid });
      fs.appendFileSync(file, '(TaskRunner pid=1) step:2 - actor/entropy:0.650 - actor/pg_clipfrac:0.020\n');
      await vi.waitFor(() => expect(c.text().stderr).toMatch(/step 2: \+\d+ points/), { timeout: 15_000 });
      stop.abort();
      expect(await done).toMatchObject({ id: runId, status: 'completed', step: 2 });
      expect(c.text().stdout).toMatch(/"live": completed, last step 2/);
      expect(lab.context.store.getRun(runId)).toMatchObject({ status: 'completed', workerPid: null });
      expect(lab.context.store.series(runId, ['entropy'])[0]).toMatchObject({ steps: [1, 2], values: [0.7, 0.65] });
    } finally {
      await lab.close();
    }
  });

  it('refuses an --interval the follow service would not take, before opening the database', async () => {
    const r = await cli('import', path.join(dir, 'none.log'), '--follow', '--interval', '20');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--interval: expected whole milliseconds from 50 to 60000, got "20"/);
  });
});

describe('cliplab export-config', () => {
  it('prints verl overrides or TRL arguments for a local run, and refuses an imported one', async () => {
    const lab = createLab({ dbPath: db });
    const local = createLocalRun(lab.context, presetConfig('tabular-random-dapo'), { name: 'dapo bandit' });
    await lab.close();
    const verl = await cli('export-config', String(local.id), '--to', 'verl');
    expect(verl.code).toBe(0);
    expect(verl.stdout).toMatch(/^# verl Hydra overrides for the cliplab run "dapo bandit"/);
    expect(verl.stdout).toMatch(/actor_rollout_ref\.actor\.clip_ratio_high=0\.28 \\/);
    const trl = await cli('export-config', 'dapo bandit', '--to', 'trl');
    expect(trl.stdout).toMatch(/ {4}epsilon_high=0\.28,/);
    const imported = await cli('export-config', '1', '--to', 'trl');
    expect(imported.code).toBe(1);
    expect(imported.stderr).toMatch(/run 1 was imported from a verl-jsonl file/);
    expect((await cli('export-config', '1', '--to', 'openrlhf')).code).toBe(2);
  });
});
