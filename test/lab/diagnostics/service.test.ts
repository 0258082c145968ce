/** The diagnostics API on a real lab and database: runs, controls, imports and seed groups as stored. */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetConfig, type RunConfigInput } from '../../../src-main/contract';
import { createImportedRun, createLab, createLocalRun, dispatch, type LabService } from '../../../src-main/lab';
import type { SeriesInput } from '../../../src-main/store';
import { fileTempDir } from '../../support/temp';
import { gaussian, stepsFrom } from './synthetic';

const dir = fileTempDir();
let lab: LabService;
const ids: Record<string, number> = {};
const steps = stepsFrom(0, 101);

/** Entropy from 2 to `final` (linear, seeded noise) with per-step clip drifts. */
function runSeries(final: number, seed: number, drift = { low: 0.01, high: -0.03 }): SeriesInput[] {
  const noise = gaussian(seed);
  return [
    { key: 'entropy', steps, values: steps.map((s) => 2 + ((final - 2) * s) / 100 + 0.005 * noise()) },
    { key: 'clip/low_drift', steps, values: steps.map(() => drift.low) },
    { key: 'clip/high_drift', steps, values: steps.map(() => drift.high) },
    { key: 'clip/low_frac', steps, values: steps.map(() => 0.01) },
    { key: 'clip/high_frac', steps, values: steps.map(() => 0.02) },
  ];
}

function addLocal(name: string, config: RunConfigInput, series: SeriesInput[]): number {
  const run = createLocalRun(lab.context, { ...presetConfig('tabular-random-sym'), ...config }, { name });
  lab.context.store.bulkInsertSeries(run.id, series);
  return run.id;
}

beforeAll(() => {
  lab = createLab({ dbPath: path.join(dir, 'diagnostics.db') });
  ids.trueReward = addLocal('true reward', { seed: 1, reward: { kind: 'verifier' } }, runSeries(0.1, 1));
  ids.control = addLocal('control', { seed: 1, reward: { kind: 'bernoulli', p: 0.3 } }, runSeries(1.4, 2));
  ids.sym2 = addLocal('sym seed 2', { seed: 2, reward: { kind: 'bernoulli', p: 0.3 } }, runSeries(1.3, 3));
  ids.sym3 = addLocal('sym seed 3', { seed: 3, reward: { kind: 'bernoulli', p: 0.3 } }, runSeries(1.5, 4));
  const low = { objective: { clipLow: 0.1, clipHigh: null } };
  const lowDrift = { low: 0.03, high: 0 };
  ids.low1 = addLocal('low seed 1', { ...low, seed: 1 }, runSeries(2.1, 5, lowDrift));
  ids.low2 = addLocal('low seed 2', { ...low, seed: 2 }, runSeries(2.0, 6, lowDrift));
  ids.low3 = addLocal('low seed 3', { ...low, seed: 3 }, runSeries(2.2, 7, lowDrift));
  const imported = createImportedRun(lab.context, {
    name: 'verl gsm8k',
    source: { format: 'verl-jsonl', file: 'gsm8k.jsonl', params: { 'actor_rollout_ref.actor.clip_ratio': 0.2 } },
  });
  lab.context.store.bulkInsertSeries(imported.id, [
    { key: 'actor/entropy', steps, values: steps.map((s) => 1.2 - s / 200) },
    { key: 'actor/pg_clipfrac', steps, values: steps.map(() => 0.003) },
  ]);
  ids.imported = imported.id;
});

afterAll(() => lab.close());

describe('diagnostics API', () => {
  it('finds a run’s random-reward control in the store and splits the entropy change', async () => {
    const [d] = await dispatch(lab, 'diagnostics.run', { ids: [ids.trueReward] });
    expect(d.run).toMatchObject({ id: ids.trueReward, origin: 'local', seed: 1 });
    expect(d.collapse).toMatchObject({ status: 'ok', verdict: 'collapsed' });
    expect(d.control).toMatchObject({ status: 'ok', controlId: ids.control, mismatches: [] });
    if (d.control.status !== 'ok') throw new Error(d.control.reason);
    expect(d.control.controlShare).toBeGreaterThan(0.25);
    expect(d.control.controlShare).toBeLessThan(0.4);
    expect(d.advice.map((a) => a.id)).toEqual(expect.arrayContaining(['clip-high-dominates', 'too-few-seeds']));
    expect(d.advice.find((a) => a.id === 'clip-high-dominates')?.sweep?.baseRunId).toBe(ids.trueReward);
  });

  it('uses an explicit control and lists how it differs', async () => {
    const [d] = await dispatch(lab, 'diagnostics.run', {
      ids: [ids.trueReward],
      options: { collapseFraction: 0.05 },
      controls: [{ run: ids.trueReward, control: ids.low1 }],
    });
    expect(d.options.collapseFraction).toBe(0.05);
    expect(d.control.status === 'ok' && d.control.mismatches).toEqual(
      expect.arrayContaining([expect.stringMatching(/^objective\.clipLow: /)]),
    );
    expect(d.advice.map((a) => a.id)).toContain('control-mismatch');
  });

  it('diagnoses an imported run from its trainer keys and params', async () => {
    const [d] = await dispatch(lab, 'diagnostics.run', { ids: [ids.imported] });
    expect(d.keys).toContainEqual({ quantity: 'entropy', key: 'actor/entropy', fallback: true, aliasOf: null });
    expect(d.clip.attribution).toBe('combined-only');
    expect(d.settings).toMatchObject({ clipLow: 0.2, clipHigh: 0.2 });
    expect(d.control.status).toBe('unavailable');
  });

  it('aggregates a seed group by key and by ids', async () => {
    const [sym] = await dispatch(lab, 'diagnostics.run', { ids: [ids.sym2] });
    const byKey = await dispatch(lab, 'diagnostics.group', { groupKey: sym.run.groupKey! });
    expect(byKey.n).toBe(3);
    expect([...byKey.runIds].sort()).toEqual([ids.control, ids.sym2, ids.sym3].sort());
    expect(byKey.scalars['entropy.final'].n).toBe(3);
    const byIds = await dispatch(lab, 'diagnostics.group', { ids: [ids.low1, ids.low2] });
    expect(byIds.n).toBe(2);
    expect(byIds.advice[0].id).toBe('too-few-seeds');
  });

  it('compares two groups on final entropy with Welch’s test', async () => {
    const r = await dispatch(lab, 'diagnostics.compare', {
      a: [ids.control, ids.sym2, ids.sym3],
      b: [ids.low1, ids.low2, ids.low3],
    });
    const final = r.comparison.tests.find((t) => t.scalar === 'entropy.final')!;
    expect(final.difference).toBeCloseTo(1.4 - 2.1, 1);
    expect(final.p).toBeLessThan(0.01);
    expect(final.df).toBeGreaterThan(1);
    expect(final.warnings).toEqual([]);
    expect(r.a.n).toBe(3);
  });

  it('diagnoses real trainer logs as imported, naming the trainer keys behind each alias', async () => {
    const realLogs = path.join(import.meta.dirname, '..', '..', 'fixtures', 'real-logs');
    const verl = await dispatch(lab, 'imports.fromPath', { path: path.join(realLogs, 'dstack_verl_demo.log') });
    const [v] = await dispatch(lab, 'diagnostics.run', { ids: [verl.run.id] });
    expect(v.keys).toContainEqual({
      quantity: 'entropy',
      key: 'entropy',
      fallback: false,
      aliasOf: 'actor/entropy_loss',
    });
    expect(v.collapse.status).toBe('ok');
    expect(v.clip.summary).toMatch(/^combined only; cannot attribute: "actor\/pg_clipfrac"/);
    expect(v.clip.notes).toContain('"actor/pg_clipfrac_lower" counts dual-clip events (A < 0 and r > c), not clip-low');

    const trl = await dispatch(lab, 'imports.fromPath', {
      path: path.join(realLogs, 'chaoseconomy_trainer_state.json'),
    });
    const [t] = await dispatch(lab, 'diagnostics.run', { ids: [trl.run.id] });
    expect(t.collapse).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('no entropy series') });
    expect(t.clip).toMatchObject({ attribution: 'per-side', clippingActive: false });
    expect(t.advice.find((a) => a.id === 'no-clipping')?.text).toContain('TRL num_iterations = 1');
  });

  it('answers not_found and bad_request with the field named', async () => {
    await expect(dispatch(lab, 'diagnostics.run', { ids: [9999] })).rejects.toMatchObject({ code: 'not_found' });
    await expect(dispatch(lab, 'diagnostics.group', { groupKey: 'nope' })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      dispatch(lab, 'diagnostics.run', { ids: [ids.sym2], controls: [{ run: ids.sym3, control: ids.control }] }),
    ).rejects.toMatchObject({ code: 'bad_request', message: expect.stringContaining('not among ids') });
  });
});
