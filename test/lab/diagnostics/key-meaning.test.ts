/**
 * Diagnostics read an imported key only in the meaning the import gave it (issue 14, and the alias
 * table of the interop work): a Stable-Baselines `train/entropy_loss` (minus the entropy) is never
 * diagnosed as entropy, an OpenRLHF one is, and verl's `pg_clipfrac_lower` is the dual-clip fraction
 * only under the vanilla loss. Each file goes through the real import and the lab's diagnosis.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDiagnosis } from '../../../src-main/contract';
import { createLab, dispatch, type LabService } from '../../../src-main/lab';
import { resolveQuantity, type SeriesByKey } from '../../../src-main/lab/diagnostics/keys';
import { resolveAliases } from '../../../src-main/lab/import/aliases';
import { chartsFor } from '../../../src-renderer/views/run/charts';
import { fileTempDir } from '../../support/temp';

const dir = fileTempDir();
const realLog = (name: string) => path.join(import.meta.dirname, '..', '..', 'fixtures', 'real-logs', name);
let lab: LabService;

beforeAll(() => {
  lab = createLab({ dbPath: path.join(dir, 'lab.db') });
});
afterAll(() => lab?.close());

async function importAndDiagnose(name: string, text: string): Promise<RunDiagnosis> {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  const { run } = await dispatch(lab, 'imports.fromPath', { path: file });
  const [diagnosis] = await dispatch(lab, 'diagnostics.run', { ids: [run.id] });
  return diagnosis;
}

/** Rows of a CSV whose entropy-like column falls from 1 to 0.05 over 12 logged steps. */
function csv(header: string[], row: (step: number, falling: number) => (number | string)[]): string {
  const lines = [header.join(',')];
  for (let i = 0; i < 12; i++) lines.push(row(2048 * (i + 1), 1 - (0.95 * i) / 11).join(','));
  return `${lines.join('\n')}\n`;
}

/** A Stable-Baselines3 PPO progress.csv (its column names), entropy_loss rising from -1 to -0.05. */
function sb3Csv(): string {
  const header = [
    'time/total_timesteps',
    'rollout/ep_rew_mean',
    'train/approx_kl',
    'train/clip_fraction',
    'train/entropy_loss',
    'train/policy_gradient_loss',
  ];
  return csv(header, (step, falling) => [step, 10 * (1 - falling), 0.01, 0.1, -falling, -0.01]);
}

describe('a trainer key is diagnosed only in the meaning its import gave it', () => {
  it("Stable-Baselines' train/entropy_loss (minus the entropy) is not entropy", async () => {
    const d = await importAndDiagnose('progress.csv', sb3Csv());
    expect(d.collapse).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('no entropy') });
    expect(d.keys.find((k) => k.quantity === 'entropy')).toBeUndefined();
    // |r - 1| > eps whatever A's sign is not the binding clip fraction either.
    expect(d.keys.find((k) => k.quantity === 'clipCombinedFrac')).toBeUndefined();
  });

  it("OpenRLHF's train/entropy_loss is its entropy, and its collapse is dated", async () => {
    const header = ['step', 'train/entropy_loss', 'train/ppo_clip_ratio', 'train/ppo_kl', 'train/policy_loss'];
    const d = await importAndDiagnose(
      'openrlhf.csv',
      csv(header, (step, falling) => [step / 2048, falling, 0.05, 0.001, 0.1]),
    );
    if (d.collapse.status !== 'ok') throw new Error(d.collapse.reason);
    // By hand: 1 at step 1, falling by 0.95/11 per step; below 0.1 first at step 12 (0.05) only,
    // one point: too few to call it lasting, so no collapse step but a falling verdict.
    expect(d.collapse).toMatchObject({ start: 1, startStep: 1, finalStep: 12 });
    expect(d.collapse.final).toBeCloseTo(0.05, 12);
    expect(d.keys.find((k) => k.quantity === 'entropy')).toMatchObject({
      key: 'entropy',
      aliasOf: 'train/entropy_loss',
    });
    expect(d.keys.find((k) => k.quantity === 'clipCombinedFrac')?.aliasOf).toBe('train/ppo_clip_ratio');
  });

  it("verl's pg_clipfrac_lower is the dual-clip fraction under the vanilla loss only", async () => {
    const line = (step: number, mode: string | null) =>
      JSON.stringify({
        step,
        data: {
          'actor/entropy': 1 - step * 0.01,
          'actor/pg_clipfrac': 0.3,
          'actor/pg_clipfrac_lower': 0.02,
          ...(mode === null ? {} : { 'actor_rollout_ref.actor.policy_loss.loss_mode': mode }),
        },
      });
    const vanilla = await importAndDiagnose(
      'vanilla.jsonl',
      `${[1, 2, 3, 4, 5].map((s) => line(s, null)).join('\n')}\n`,
    );
    expect(vanilla.keys.find((k) => k.quantity === 'clipDualFrac')).toMatchObject({
      key: 'clip/dual_frac',
      aliasOf: 'actor/pg_clipfrac_lower',
    });
    expect(vanilla.keys.find((k) => k.quantity === 'clipCombinedFrac')?.aliasOf).toBe('actor/pg_clipfrac');
  });
  it('under another verl loss mode pg_clipfrac_lower feeds no dual-clip fraction', () => {
    const keys = ['actor/entropy', 'actor/pg_clipfrac', 'actor/pg_clipfrac_lower'];
    const params = { 'actor_rollout_ref.actor.policy_loss.loss_mode': 'gpg' };
    const { aliases } = resolveAliases('verl-console', keys, params);
    expect(aliases['clip/dual_frac']).toBeUndefined();
    // The stored series: the file's keys plus the aliases the import made (sharing their points).
    const points = { steps: [1, 2, 3], values: [0.3, 0.2, 0.1] };
    const series: SeriesByKey = Object.fromEntries(
      [...keys, ...Object.keys(aliases)].map((k) => [k, points]),
    ) as SeriesByKey;
    expect(resolveQuantity(series, 'clipDualFrac')).toBeNull();
    expect(resolveQuantity(series, 'clipCombinedFrac')?.key).toBe('clip/frac');
  });
});

describe("a real verl log's clipped tokens, by meaning", () => {
  it('draws pg_clipfrac as the combined fraction and pg_clipfrac_lower as the dual clip, with the file values', async () => {
    const { run } = await dispatch(lab, 'imports.fromPath', { path: realLog('hanlindu_verl_gsm8k.jsonl') });
    const keys = await dispatch(lab, 'runs.keys', { id: run.id });
    const clip = chartsFor(keys).find((c) => c.id === 'clip-fractions');
    // The file has no per-side fractions: only the combined one and the dual-clip one are drawn.
    expect(clip?.metrics).toEqual(['clip/frac', 'clip/dual_frac']);
    const [both, dual] = await dispatch(lab, 'runs.series', { id: run.id, keys: ['clip/frac', 'clip/dual_frac'] });
    // By hand, from the file's step 3: "actor/pg_clipfrac": 0.46768996535345564,
    // "actor/pg_clipfrac_lower": 0.012173881655010257 (the 0.468 and 0.012).
    const at3 = (s: { steps: number[]; values: (number | null)[] }) => s.values[s.steps.indexOf(3)];
    expect(at3(both)).toBe(0.46768996535345564);
    expect(at3(dual)).toBe(0.012173881655010257);
    const [d] = await dispatch(lab, 'diagnostics.run', { ids: [run.id] });
    expect(d.keys.find((k) => k.quantity === 'clipCombinedFrac')?.aliasOf).toBe('actor/pg_clipfrac');
    expect(d.keys.find((k) => k.quantity === 'clipLowFrac')).toBeUndefined();
    expect(d.collapse).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('no entropy') });
  });
});

describe('the import preview names the same keys the diagnosis reads', () => {
  it("a verl log's old entropy_loss (token-mean) feeds collapse; an SB3 entropy_loss does not", async () => {
    const verl = await dispatch(lab, 'imports.detect', { path: realLog('dstack_verl_demo.log') });
    expect(verl.coverage.find((c) => c.id === 'collapse')).toMatchObject({
      status: 'ready',
      found: [{ key: 'entropy', from: 'actor/entropy_loss' }],
    });
    const sb3 = path.join(dir, 'preview-progress.csv');
    fs.writeFileSync(sb3, sb3Csv());
    const preview = await dispatch(lab, 'imports.detect', { path: sb3 });
    expect(preview.trainer).toBe('sb3');
    expect(preview.coverage.find((c) => c.id === 'collapse')?.status).toBe('missing');
  });
});
