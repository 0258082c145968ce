/**
 * MLflow stores beyond the one-run fixtures: runs in the trash, runs still running, NaN rows, a WAL
 * database, and bad input named by file and line.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImportError } from '../../../src-main/lab/import/errors';
import { parseSource, parseUploadSource } from '../../../src-main/lab/import/source';
import { rejectionOf } from '../../support/rejection';
import { tempDir } from './helpers';
import { INTEROP } from './interopFixtures';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.remove());

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** A run folder as MLflow's file store writes it. */
function fileRun(experiment: string, id: string, meta: Record<string, string>, metrics: Record<string, string>) {
  const dir = path.join(tmp.dir, 'mlruns', experiment, id);
  const yaml = Object.entries({ run_id: id, experiment_id: `'${experiment}'`, lifecycle_stage: 'active', ...meta })
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
  write(path.join(dir, 'meta.yaml'), `${yaml}\n`);
  for (const [key, text] of Object.entries(metrics)) write(path.join(dir, 'metrics', key), text);
  write(path.join(dir, 'params', 'actor', 'clip_ratio_high'), '0.28');
  write(path.join(dir, 'params', 'use_kl_loss'), 'True');
  write(path.join(dir, 'tags', 'mlflow.runName'), `tagged-${id}`);
  return dir;
}

describe('MLflow file store', () => {
  it('reads nested metric keys, nan, params as values; leaves trashed runs out and notes a running one', async () => {
    write(
      path.join(tmp.dir, 'mlruns', '7', 'meta.yaml'),
      "experiment_id: '7'\nname: grpo sweep\nlifecycle_stage: active\n",
    );
    fileRun(
      '7',
      'aaa',
      { run_name: 'seed-1', status: '3', start_time: '1000' },
      {
        'eval/acc': '2000 0.5 10\n3000 0.75 20\n',
        grad_norm: '2000 nan 10\n',
      },
    );
    fileRun('7', 'bbb', { run_name: 'seed-2', status: '1', start_time: '1000' }, { 'eval/acc': '2500 0.25 10\n' });
    fileRun('7', 'ccc', { run_name: 'trashed', status: '3', lifecycle_stage: 'deleted' }, { 'eval/acc': '1 1 1\n' });
    const runs = await parseSource(path.join(tmp.dir, 'mlruns'));
    expect(runs.map((r) => r.external?.name)).toEqual(['seed-1', 'seed-2']);
    const [first, second] = runs;
    expect(first.series.get('eval/acc')).toEqual({ steps: [10, 20], values: [0.5, 0.75], times: [1, 2] });
    expect(first.series.get('grad_norm')!.values).toEqual([NaN]);
    expect(first.params).toEqual({ 'actor.clip_ratio_high': 0.28, use_kl_loss: true });
    expect(first.external?.ids).toEqual({ run_id: 'aaa', experiment_id: '7', experiment: 'grpo sweep' });
    expect(second.warnings).toContain('the run is RUNNING in MLflow');
  });

  it('names the metric file and line of a malformed row', async () => {
    const dir = fileRun('1', 'aaa', {}, { loss: '1000 0.5 1\n1001 oops 2\n' });
    const err = await rejectionOf(parseSource(dir), ImportError);
    expect(err.message).toBe(`${dir}: metrics/loss: line 2: expected "timestamp value step", got "1001 oops 2"`);
  });
});

describe('MLflow SQLite store (mlflow.db)', () => {
  /** A copy of the fixture database MLflow wrote, changed with SQL. */
  function changedDb(sql: (db: Database.Database) => void): string {
    const file = path.join(tmp.dir, 'mlflow.db');
    fs.copyFileSync(path.join(INTEROP, 'verl', 'mlflow.db'), file);
    const db = new Database(file);
    sql(db);
    db.close();
    return file;
  }

  it('reads NaN rows (is_nan), leaves out runs in the trash, and reads a WAL database without touching it', async () => {
    const file = changedDb((db) => {
      const [{ run_uuid: id, experiment_id: exp }] = db.prepare('SELECT run_uuid, experiment_id FROM runs').all() as {
        run_uuid: string;
        experiment_id: number;
      }[];
      const copyRun = db.prepare(
        `INSERT INTO runs (run_uuid, name, source_type, source_name, entry_point_name, user_id, status, start_time,
           end_time, source_version, lifecycle_stage, artifact_uri, experiment_id)
         SELECT ?, ?, source_type, source_name, entry_point_name, user_id, ?, start_time + 1, end_time,
           source_version, ?, artifact_uri, experiment_id FROM runs WHERE run_uuid = ?`,
      );
      copyRun.run('second', 'failed-seed', 'FAILED', 'active', id);
      copyRun.run('third', 'trashed', 'FINISHED', 'deleted', id);
      const metric = db.prepare(
        'INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES (?, ?, ?, ?, ?, ?)',
      );
      metric.run('actor/grad_norm', 0, 5, 'second', 1, 1);
      metric.run('actor/grad_norm', 0.5, 6, 'second', 2, 0);
      db.pragma('journal_mode = WAL');
      expect(exp).toBeDefined();
    });
    const before = fs.readdirSync(tmp.dir).sort();
    const runs = await parseSource(file);
    expect(fs.readdirSync(tmp.dir).sort()).toEqual(before); // no -wal / -shm files made
    expect(runs.map((r) => r.external?.name)).toEqual(['verl-grpo-gsm8k', 'failed-seed']);
    expect(runs[1].series.get('actor/grad_norm')!.values).toEqual([NaN, 0.5]);
    expect(runs[1].warnings).toContain('the run is FAILED in MLflow');
    // The same bytes uploaded (web mode) read the same.
    const uploaded = await parseUploadSource(fs.readFileSync(file), 'mlflow.db');
    expect(uploaded.map((r) => r.series)).toEqual(runs.map((r) => r.series));
  });

  it('refuses an SQLite file that is not an MLflow store, and --format mlflow on a log', async () => {
    const other = path.join(tmp.dir, 'other.db');
    const db = new Database(other);
    db.exec('CREATE TABLE metrics (run_uuid TEXT, key TEXT)');
    db.close();
    const err = await rejectionOf(parseSource(other, { format: 'mlflow' }), ImportError);
    expect(err.problem).toBe(
      "an SQLite database without MLflow's experiments, runs, params tables; expected mlflow.db",
    );
    const log = tmp.file('a.jsonl', '{"step": 1, "data": {"a": 1}}\n');
    const notDb = await rejectionOf(parseSource(log, { format: 'mlflow' }), ImportError);
    expect(notDb.problem).toBe('not an SQLite database (no SQLite header)');
  });
});
