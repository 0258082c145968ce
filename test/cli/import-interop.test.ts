/**
 * `cliplab import` on what tracking tools and notebooks leave behind: a W&B run folder, an MLflow
 * store holding several runs (written in one transaction), a Kaggle log, and the preview's account
 * of containers and stores.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportResult } from '../../src-main/contract';
import { resolveLogPath } from '../../src-main/lab/import/follow-path';
import { previewFile } from '../../src-main/lab/import/preview';
import { INTEROP, loadExpected } from '../lab/import/interopFixtures';
import { cliOn } from '../support/cli';
import { fileTempDir } from '../support/temp';

const dir = fileTempDir();
const cli = cliOn(path.join(dir, 'interop.db'));
const expected = loadExpected();
const fixture = (id: string) => path.join(INTEROP, expected[id].path);

/** A copy of the fixture mlruns store with a second run (another seed) in the same experiment. */
function twoRunStore(): string {
  const store = path.join(dir, 'mlruns');
  fs.cpSync(path.join(INTEROP, 'trl', 'mlruns'), store, { recursive: true });
  const run = path.join(store, path.relative(path.join(INTEROP, 'trl', 'mlruns'), fixture('trl-mlflow-run')));
  const second = path.join(path.dirname(run), 'f00d');
  fs.cpSync(run, second, { recursive: true });
  const meta = fs.readFileSync(path.join(second, 'meta.yaml'), 'utf8');
  fs.writeFileSync(
    path.join(second, 'meta.yaml'),
    meta.replace(/^run_id: .*$/m, 'run_id: f00d').replace(/^run_name: .*$/m, 'run_name: seed-2'),
  );
  fs.writeFileSync(path.join(second, 'params', 'seed'), '8');
  return store;
}

describe('cliplab import (tracking tools and containers)', () => {
  it('imports a W&B run folder under the run name W&B gave it', async () => {
    const r = await cli('import', fixture('verl-wandb'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^imported run \d+ "verl-grpo-gsm8k": wandb \(the file starts with the ":W&B" header/);
    expect(r.stdout).toMatch(/aliases {3}entropy <- actor\/entropy/);
  });

  it('imports every run of an MLflow store at once, as seeds of one group', async () => {
    const r = await cli('import', twoRunStore(), '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as ImportResult;
    expect(result.runs.map((run) => run.name).sort()).toEqual(['seed-2', 'trl-grpo-fixture']);
    expect(result.run).toEqual(result.runs[0]);
    expect(new Set(result.runs.map((run) => run.groupKey)).size).toBe(1);
    fs.rmSync(path.join(dir, 'mlruns'), { recursive: true });
    const text = await cli('import', twoRunStore(), '--name', 'sweep');
    expect(text.stdout).toMatch(
      /^imported 2 runs: mlflow \(an MLflow file store \(mlruns: experiment folders\): 2 runs\)/,
    );
    expect(text.stdout).toMatch(/run \d+ "sweep\/seed-2", last step 40/);
  });

  it('imports a Kaggle log, naming the container and the format inside it', async () => {
    const r = await cli('import', fixture('trl-kaggle'), '--json');
    const result = JSON.parse(r.stdout) as ImportResult;
    expect(result).toMatchObject({ format: 'trl-console', run: { name: 'trl-grpo-kaggle', origin: 'imported' } });
    expect(result.run.origin === 'imported' && result.run.source.container).toBe('kaggle-log');
    expect(result.reason).toMatch(/^a Kaggle kernel log \(\d+ stream records\) holding/);
  });

  it('refuses --format mlflow on a log file, naming it', async () => {
    const r = await cli('import', path.join(INTEROP, 'verl', 'verl.jsonl'), '--format', 'mlflow');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/verl\.jsonl: not an SQLite database \(no SQLite header\)/);
  });
});

describe('preview and paths', () => {
  it('previews a store with its runs named, and a notebook with its container', async () => {
    const store = await previewFile(path.join(INTEROP, 'trl', 'mlruns'));
    expect(store).toMatchObject({ format: 'mlflow', partial: false, trainer: 'trl' });
    expect(store.runs).toBeUndefined(); // one run: nothing more to name
    const notebook = await previewFile(fixture('trl-notebook'));
    expect(notebook).toMatchObject({ format: 'trl-console', container: 'notebook', trainer: 'trl' });
  });

  it('follows a W&B run folder as its run file; one-shot imports take run folders as they are', async () => {
    const folder = fixture('trl-wandb');
    const runFile = fs.readdirSync(folder).find((f) => f.endsWith('.wandb'))!;
    expect(await resolveLogPath(folder)).toBe(path.join(folder, runFile));
    const mlruns = path.join(INTEROP, 'trl', 'mlruns');
    expect(await resolveLogPath(mlruns, process.cwd(), true)).toBe(mlruns);
    await expect(resolveLogPath(mlruns)).rejects.toThrow(/is a folder; expected a log file inside it/);
  });
});
