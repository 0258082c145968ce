/**
 * Imports through the lab and its API on a real database: one transaction per import, aliases stored
 * as series, bad input written nowhere, progress events, previews and config export (following a
 * live log: follow-service.test.ts).
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, presetConfig, type ImportResult, type LabEvent } from '../../../src-main/contract';
import { createLab, createLocalRun, dispatch, type LabService } from '../../../src-main/lab';
import { importFile } from '../../../src-main/lab/import/index';
import { realLog, tempDir } from './helpers';

let tmp: ReturnType<typeof tempDir>;
let lab: LabService;

beforeEach(() => {
  tmp = tempDir();
  lab = createLab({ dbPath: path.join(tmp.dir, 'lab.db') });
});

afterEach(async () => {
  await lab.close();
  tmp.remove();
});

const call = (method: string, args: unknown) => dispatch(lab, method, args);

async function apiError(method: string, args: unknown): Promise<ApiError> {
  const err = await call(method, args).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  return err as ApiError;
}

describe('imports.fromPath', () => {
  it('stores a verl log as an imported run with its keys, aliases and import metadata', async () => {
    const events: LabEvent[] = [];
    lab.subscribe((e) => events.push(e));
    const result = (await call('imports.fromPath', { path: realLog('dstack_verl_demo.log') })) as ImportResult;

    // 65 keys at every step and 3 at 34 of them, plus 9 canonical aliases at every step.
    expect(result).toMatchObject({ format: 'verl-console', keys: 68, points: 335 * 65 + 34 * 3 + 335 * 9 });
    const coverage = Object.fromEntries(result.coverage.map((c) => [c.id, c]));
    expect(coverage.collapse).toMatchObject({
      status: 'ready',
      found: [{ key: 'entropy', from: 'actor/entropy_loss' }],
    });
    expect(coverage.clip).toMatchObject({ status: 'partial', missing: ['clip/low_frac', 'clip/high_frac'] });
    expect(coverage.clip.found).toEqual([{ key: 'clip/frac', from: 'actor/pg_clipfrac' }]);
    const run = result.run;
    expect(run).toMatchObject({ origin: 'imported', status: 'completed', name: 'dstack_verl_demo', step: 435 });
    expect(run.origin === 'imported' && run.source).toMatchObject({
      format: 'verl-console',
      trainer: 'verl',
      clipFractionCombined: true,
      aliases: {
        'clip/dual_frac': 'actor/pg_clipfrac_lower',
        'clip/frac': 'actor/pg_clipfrac',
        entropy: 'actor/entropy_loss',
      },
      params: { 'actor_rollout_ref.actor.clip_ratio_c': 3 },
    });
    expect(run.latest.entropy).toBe(0.03); // actor/entropy_loss at step 435

    const [entropy, original] = (await call('runs.series', {
      id: run.id,
      keys: ['entropy', 'actor/entropy_loss'],
    })) as { steps: number[]; values: number[] }[];
    expect(entropy.steps).toHaveLength(335);
    expect(entropy.values).toEqual(original.values);
    const keys = (await call('runs.keys', { id: run.id })) as { key: string }[];
    expect(keys.map((k) => k.key)).not.toContain('clip/low_frac');

    const phases = events.filter((e) => e.name === 'import.progress').map((e) => e.payload as { phase: string });
    expect(phases.map((p) => p.phase)).toEqual(expect.arrayContaining(['reading', 'writing', 'done']));
    expect(events.some((e) => e.name === 'run.changed')).toBe(true);
  });

  it('stores NaN as null and keeps a TRL run apart by its params', async () => {
    const verl = (await call('imports.fromPath', {
      path: realLog('hanlindu_verl_gsm8k.jsonl'),
      name: 'gsm8k',
    })) as ImportResult;
    expect(verl.run.name).toBe('gsm8k');
    const [pg] = (await call('runs.series', { id: verl.run.id, keys: ['actor/pg_loss'] })) as { values: unknown[] }[];
    expect(pg.values[2]).toBeNull();
    const trl = (await call('imports.fromPath', { path: realLog('chaoseconomy_trainer_state.json') })) as ImportResult;
    expect(trl.run.name).toBe('chaoseconomy_trainer_state');
    expect(trl.run.groupKey).not.toBe(verl.run.groupKey);
  });

  it('writes nothing for a malformed file, and says where and what was expected', async () => {
    const file = tmp.file('bad.jsonl', '{"step": 1, "data": {"a": 1}}\n{"step": 2, "data": {"a": \n');
    const err = await apiError('imports.fromPath', { path: file });
    expect(err.code).toBe('bad_request');
    expect(err.message).toMatch(/bad\.jsonl: line 2: invalid JSON/);
    expect(await call('runs.list', {})).toEqual([]);
  });

  it('rolls the run back when writing its series fails midway', async () => {
    const store = lab.context.store;
    const failing = {
      transaction: store.transaction.bind(store),
      createRun: store.createRun.bind(store),
      bulkInsertSeries: () => {
        throw new Error('disk full');
      },
    };
    await expect(importFile(failing, realLog('simworld_ppo_metrics.csv'))).rejects.toThrow('disk full');
    expect(store.listRuns()).toEqual([]);
  });
});

describe('imports.fromContent and imports.detect', () => {
  const csv = 'step,entropy,clip_fraction\n1,0.9,0.1\n2,0.8,0.2\n';
  const base64 = Buffer.from(csv).toString('base64');

  it('imports uploaded bytes under the file name', async () => {
    const result = (await call('imports.fromContent', {
      fileName: 'upload.csv',
      contentBase64: base64,
    })) as ImportResult;
    expect(result).toMatchObject({ format: 'csv', keys: 2 });
    expect(result.run.origin === 'imported' && result.run.source).toMatchObject({
      file: 'upload.csv',
      clipFractionCombined: true,
    });
    const [entropy] = (await call('runs.series', { id: result.run.id, keys: ['entropy'] })) as { values: number[] }[];
    expect(entropy.values).toEqual([0.9, 0.8]);
  });

  it('rejects what is not base64, and a path and content together', async () => {
    expect(
      (await apiError('imports.fromContent', { fileName: 'x.csv', contentBase64: 'not base64!' })).message,
    ).toMatch(/expected base64 text/);
    expect((await apiError('imports.detect', { path: '/x', fileName: 'x', contentBase64: base64 })).code).toBe(
      'bad_request',
    );
  });

  it('previews without writing: format, reason, keys, steps and aliases', async () => {
    const preview = await call('imports.detect', { path: realLog('metahackathon_trainer_state.json') });
    expect(preview).toMatchObject({
      format: 'trl-state',
      partial: false,
      trainer: 'trl',
      steps: { count: 4, first: 5, last: 20 },
      aliases: { entropy: 'entropy', 'clip/low_frac': 'clip_ratio/low_mean' },
      clipFractionCombined: false,
    });
    const fromContent = await call('imports.detect', { fileName: 'upload.csv', contentBase64: base64 });
    expect(fromContent).toMatchObject({
      format: 'csv',
      keys: ['entropy', 'clip_fraction'],
      reason: expect.stringMatching(/CSV/),
    });
    expect(await call('runs.list', {})).toEqual([]);
  });
});

describe('runs.exportConfig', () => {
  it('exports a local run and refuses an imported one', async () => {
    const local = createLocalRun(lab.context, presetConfig('gpt-random-sym'), { name: 'sym seed 1' });
    const text = (await call('runs.exportConfig', { id: local.id, to: 'verl' })) as string;
    expect(text).toMatch(/^# verl Hydra overrides for the cliplab run "sym seed 1"/);
    expect(text).toMatch(/actor_rollout_ref\.actor\.clip_ratio_high=0\.2 \\/);
    const imported = (await call('imports.fromContent', {
      fileName: 'a.csv',
      contentBase64: Buffer.from('step,a\n1,2\n').toString('base64'),
    })) as ImportResult;
    const err = await apiError('runs.exportConfig', { id: imported.run.id, to: 'trl' });
    expect(err.message).toMatch(/was imported from a csv file/);
  });
});
