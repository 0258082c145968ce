/**
 * Following a log through the lab's API on a real database: the run exists at once and grows as the
 * file does, with aliases and live `run.changed` events; stopping completes it, closing the lab
 * interrupts it, a malformed line fails it; paths are checked; a dead follower's run is reaped.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  type ApiArgs,
  type ApiMethod,
  type ApiResult,
  type FollowedLog,
  type LabEvent,
  type RunRecord,
} from '../../../src-main/contract';
import { createLab, dispatch, type LabService } from '../../../src-main/lab';
import { resolveLogPath } from '../../../src-main/lab/import/follow-path';
import { eventFile, fileVersionEvent, simpleScalar, tempDir } from './helpers';

let tmp: ReturnType<typeof tempDir>;
let lab: LabService;
let events: LabEvent[];
let dbPath: string;

beforeEach(() => {
  tmp = tempDir();
  dbPath = path.join(tmp.dir, 'lab.db');
  lab = createLab({ dbPath });
  events = [];
  lab.subscribe((e) => events.push(e));
});

afterEach(async () => {
  await lab.close();
  tmp.remove();
});

const call = <K extends ApiMethod>(method: K, args: ApiArgs<K>): Promise<ApiResult<K>> => dispatch(lab, method, args);

async function apiError<K extends ApiMethod>(method: K, args: ApiArgs<K>): Promise<ApiError> {
  const err = await call(method, args).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

const line = (step: number, entropy: number) =>
  `${JSON.stringify({ step, data: { 'actor/entropy': entropy, 'critic/score/mean': entropy / 10 } })}\n`;

async function stepsOf(id: number, key: string): Promise<number[]> {
  const [series] = await call('runs.series', { id, keys: [key] });
  return series.steps;
}

const waitFor = <T>(check: () => Promise<T> | T) => vi.waitFor(check, { timeout: 15_000, interval: 20 });

/** A pid no process has: a child that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('imports.follow', () => {
  it('creates a running run at once and appends lines as the trainer writes them, announced live', async () => {
    const file = tmp.file('train.jsonl', line(1, 0.9) + line(2, 0.8));
    const run = await call('imports.follow', { path: file, intervalMs: 50 });
    expect(run).toMatchObject({ origin: 'imported', status: 'running', name: 'train' });
    expect(run.origin === 'imported' && run.source).toMatchObject({ format: 'verl-jsonl', file });

    await waitFor(async () => expect(await stepsOf(run.id, 'entropy')).toEqual([1, 2]));
    fs.appendFileSync(file, line(3, 0.7));
    await waitFor(async () => expect(await stepsOf(run.id, 'actor/entropy')).toEqual([1, 2, 3]));
    expect(await stepsOf(run.id, 'reward/mean')).toEqual([1, 2, 3]);
    await waitFor(() => {
      const changed = events.filter((e) => e.name === 'run.changed' && e.payload.run.id === run.id);
      expect(changed.at(-1)).toMatchObject({ payload: { run: { step: 3, latest: { entropy: 0.7 } } } });
    });

    const stored = await call('runs.get', { id: run.id });
    expect(stored.origin === 'imported' && stored.source).toMatchObject({
      trainer: 'verl',
      aliases: { entropy: 'actor/entropy', 'reward/mean': 'critic/score/mean' },
    });
    const [followed] = await call('imports.following', {});
    expect(followed).toMatchObject<Partial<FollowedLog>>({ runId: run.id, file, format: 'verl-jsonl', lastStep: 3 });
    expect(followed.points).toBe(12); // 3 steps x (2 keys + 2 aliases)
  });

  it('gives earlier points their alias when a later key tells which trainer wrote the file', async () => {
    const first = eventFile([fileVersionEvent(1), simpleScalar(1, 1, 'policy_loss', 0.3)]);
    const file = tmp.file('events.out.tfevents.1', first);
    const run = await call('imports.follow', { path: file, intervalMs: 50 });
    await waitFor(async () => expect(await stepsOf(run.id, 'policy_loss')).toEqual([1]));
    expect(await stepsOf(run.id, 'loss/pg')).toEqual([]);
    // policy_loss beside ppo_kl is OpenRLHF's naming: policy_loss is then the clipped PG loss.
    fs.appendFileSync(file, eventFile([simpleScalar(2, 2, 'policy_loss', 0.2), simpleScalar(2, 2, 'ppo_kl', 0.01)]));
    await waitFor(async () => expect(await stepsOf(run.id, 'loss/pg')).toEqual([1, 2]));
    expect(await stepsOf(run.id, 'kl/ppo')).toEqual([2]);
    const stored = await call('runs.get', { id: run.id });
    expect(stored.origin === 'imported' && stored.source).toMatchObject({
      trainer: 'openrlhf',
      aliases: { 'loss/pg': 'policy_loss', 'kl/ppo': 'ppo_kl' },
    });
  });

  it('completes the run on stopFollow and reads nothing after', async () => {
    const file = tmp.file('train.jsonl', line(1, 0.9));
    const run = await call('imports.follow', { path: file, intervalMs: 50 });
    await waitFor(async () => expect(await stepsOf(run.id, 'entropy')).toEqual([1]));
    const stopped = await call('imports.stopFollow', { id: run.id });
    expect(stopped).toMatchObject({ status: 'completed', error: null, step: 1 });
    expect(await call('imports.following', {})).toEqual([]);
    fs.appendFileSync(file, line(2, 0.8));
    await new Promise((r) => setTimeout(r, 200));
    expect(await stepsOf(run.id, 'entropy')).toEqual([1]);
    expect((await apiError('imports.stopFollow', { id: run.id })).message).toBe(
      `run ${run.id} is not being followed (it is imported, completed)`,
    );
  });

  it('takes no training slot, and a cancel request completes it', async () => {
    const run = await call('imports.follow', { path: tmp.file('t.jsonl', line(1, 0.5)), intervalMs: 50 });
    expect((await call('queue.list', {})).running).toEqual([]);
    await call('runs.cancel', { id: run.id });
    await waitFor(async () => expect(await call('runs.get', { id: run.id })).toMatchObject({ status: 'completed' }));
  });

  it('interrupts the run when the lab closes, saying where following stopped', async () => {
    const file = tmp.file('train.jsonl', line(4, 0.9) + line(5, 0.8));
    const run = await call('imports.follow', { path: file, intervalMs: 50 });
    await waitFor(async () => expect(await stepsOf(run.id, 'entropy')).toEqual([4, 5]));
    await lab.close();
    lab = createLab({ dbPath });
    const after = await call('runs.get', { id: run.id });
    expect(after.status).toBe('interrupted');
    expect(after.error).toBe(
      `following ${file} stopped after step 5: cliplab closed; follow or import the file again for what the trainer wrote since`,
    );
  });

  it('fails the run with the line at fault when the log turns malformed', async () => {
    const file = tmp.file('bad.jsonl', line(1, 0.9));
    const run = await call('imports.follow', { path: file, intervalMs: 50 });
    fs.appendFileSync(file, '{"step": "x", "data": {}}\n');
    await waitFor(async () => expect((await call('runs.get', { id: run.id })).status).toBe('failed'));
    const failed = await call('runs.get', { id: run.id });
    expect(failed.error).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line 2: `));
    expect(await call('imports.following', {})).toEqual([]);
  });

  it('needs a format for a log that does not show one yet, and then waits for its lines', async () => {
    const file = tmp.file('console.log', '');
    const err = await apiError('imports.follow', { path: file });
    expect(err.code).toBe('bad_request');
    expect(err.message).toContain(`${file} is empty, so its format cannot be detected yet`);
    expect(err.fields?.[0].path).toBe('format');
    fs.writeFileSync(file, 'Ray worker started\n');
    expect((await apiError('imports.follow', { path: file })).message).toContain('unknown format');

    const run = await call('imports.follow', { path: file, format: 'verl-console', intervalMs: 50 });
    fs.appendFileSync(file, 'step:7 - actor/entropy:0.5 - critic/score/mean:0.25\n');
    await waitFor(async () => expect(await stepsOf(run.id, 'entropy')).toEqual([7]));
  });

  it('refuses to follow an MLflow store (a store is imported, not followed)', async () => {
    const file = tmp.file('mlflow.db', 'not yet');
    const err = await apiError('imports.follow', { path: file, format: 'mlflow' });
    expect(err).toMatchObject({
      code: 'bad_request',
      message: `an MLflow store cannot be followed; import ${file} instead`,
    });
  });

  it('refuses missing files, folders and a file already followed, naming the path', async () => {
    const missing = path.join(tmp.dir, 'nope.jsonl');
    const err = await apiError('imports.follow', { path: missing });
    expect(err.message).toBe(`no file at ${missing}; expected an existing log on the machine running cliplab`);
    expect(err.fields).toEqual([{ path: 'path', message: err.message }]);
    expect((await apiError('imports.follow', { path: tmp.dir })).message).toBe(
      `${tmp.dir} is a folder; expected a log file inside it`,
    );
    // The one-shot calls by path take run folders (W&B, MLflow) too, and refuse any other folder.
    for (const method of ['imports.detect', 'imports.fromPath'] as const) {
      expect((await apiError(method, { path: tmp.dir })).fields).toEqual([
        {
          path: 'path',
          message: `${tmp.dir} is a folder without runs; expected a log file, a W&B run folder, an MLflow mlruns folder or a TensorBoard log folder`,
        },
      ]);
    }
    const file = tmp.file('t.jsonl', line(1, 0.5));
    const run = await call('imports.follow', { path: file });
    const twice = await apiError('imports.follow', { path: file });
    expect(twice).toMatchObject({ code: 'conflict', message: `${file} is already followed into run ${run.id}` });
    expect((await call('runs.list', {})).map((r: RunRecord) => r.id)).toEqual([run.id]);
  });

  it('resolves a relative path against the lab folder', async () => {
    tmp.file('rel.csv', 'step,loss\n1,0.5\n');
    expect(await resolveLogPath('rel.csv', tmp.dir)).toBe(path.join(tmp.dir, 'rel.csv'));
    await expect(resolveLogPath('gone.csv', tmp.dir)).rejects.toThrow(
      `no file at ${path.join(tmp.dir, 'gone.csv')} (gone.csv taken relative to the lab's folder ${tmp.dir})`,
    );
  });
});

describe('followed runs whose follower is gone', () => {
  function orphan(pid: number | null): number {
    const { store } = lab.context;
    const id = store.createRun({
      name: 'orphan',
      origin: 'imported',
      status: 'running',
      source: { format: 'csv', file: '/cluster/job/metrics.csv', params: {} },
      groupKey: 'import:orphan',
      appVersion: 'test',
    });
    store.appendMetrics(id, [{ key: 'loss', step: 9, value: 0.1 }]);
    store.setRunWorker(id, pid);
    return id;
  }

  it('are interrupted when a lab starts', async () => {
    const id = orphan(deadPid());
    await lab.close();
    lab = createLab({ dbPath });
    const run = await call('runs.get', { id });
    expect(run.status).toBe('interrupted');
    expect(run.error).toMatch(
      /^following \/cluster\/job\/metrics\.csv stopped after step 9: the cliplab process following it \(pid \d+\) is gone;/,
    );
  });

  it('can be stopped unless another live process follows them', async () => {
    const unowned = orphan(null);
    expect(await call('imports.stopFollow', { id: unowned })).toMatchObject({ status: 'completed' });
    const owned = orphan(process.ppid);
    expect((await apiError('imports.stopFollow', { id: owned })).message).toBe(
      `run ${owned} is followed by another cliplab process (pid ${process.ppid}); stop it there`,
    );
  });
});
