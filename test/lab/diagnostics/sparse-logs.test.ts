/**
 * Collapse diagnosis on real logs (issue 14): a real TRL console log that logs every 10 steps, the
 * real trainer logs of test/fixtures/real-logs (resumed, short, without entropy), and logs made
 * sparse and irregular from cliplab's own runs. Every collapse step is computed here by hand, from
 * the raw file or series, without cliplab's summary code, and compared with what the lab says.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetConfig, runConfigSchema, type RunDiagnosis } from '../../../src-main/contract';
import { selectBackend } from '../../../src-main/engine/backend';
import { createTrainer } from '../../../src-main/engine/trainer';
import { createLab, dispatch, type LabService } from '../../../src-main/lab';
import { fileTempDir } from '../../support/temp';

const fixtures = path.join(import.meta.dirname, '..', '..', 'fixtures');
const dir = fileTempDir();
let lab: LabService;

beforeAll(() => {
  lab = createLab({ dbPath: path.join(dir, 'lab.db') });
});
afterAll(() => lab?.close());

async function importAndDiagnose(file: string): Promise<RunDiagnosis> {
  const { run } = await dispatch(lab, 'imports.fromPath', { path: file });
  const [diagnosis] = await dispatch(lab, 'diagnostics.run', { ids: [run.id] });
  return diagnosis;
}

/**
 * The collapse rule written out plainly: the first logged point below `level` from which at least
 * 80% of the logged points to the end are below it, counting at least 3 points (half of a shorter
 * run's). Independent of contract/summary.ts on purpose.
 */
function byHand(points: [number, number][], level: number): number | null {
  const need = Math.min(3, Math.ceil(points.length / 2));
  for (let i = 0; i < points.length; i++) {
    const rest = points.slice(i);
    const below = rest.filter(([, v]) => v < level).length;
    if (points[i][1] < level && rest.length >= need && below >= 0.8 * rest.length) return points[i][0];
  }
  return null;
}

describe('a real TRL console log, entropy logged every 10 steps', () => {
  const file = path.join(fixtures, 'trl-sparse', 'grpo_console.log');
  /** (step, value) pairs read straight from the dicts TRL printed: the n-th dict is step 10·n. */
  const logged = (key: string): [number, number][] =>
    [...fs.readFileSync(file, 'utf8').matchAll(new RegExp(`'${key}': '([^']+)'`, 'g'))].map((m, i) => [
      10 * (i + 1),
      Number(m[1]),
    ]);
  let d: RunDiagnosis;
  beforeAll(async () => {
    d = await importAndDiagnose(file);
  });

  it('is dated where entropy first falls below a tenth of its first logged value', () => {
    const entropy = logged('entropy');
    // By hand: 49 logged points, 3.758 at step 10; a tenth is 0.3758. Step 50 logged 0.5786, step 60
    // 0.1456, and every later point is lower still: the collapse is at step 60, after step 50.
    expect(entropy).toHaveLength(49);
    expect(entropy[0]).toEqual([10, 3.758]);
    expect(entropy[4]).toEqual([50, 0.5786]);
    expect(entropy[5]).toEqual([60, 0.1456]);
    expect(entropy.slice(5).every(([, v]) => v < 0.3758)).toBe(true);
    expect(byHand(entropy, 0.3758)).toBe(60);

    if (d.collapse.status !== 'ok') throw new Error(d.collapse.reason);
    expect(d.collapse).toMatchObject({
      verdict: 'collapsed',
      start: 3.758,
      startStep: 10,
      final: 0.004792,
      finalStep: 490,
      collapseStep: 60,
      collapse: { previousStep: 50, pointsFrom: 44, pointsPast: 44 },
      logEvery: 10,
    });
    expect(d.collapse.collapseLevel).toBeCloseTo(0.3758, 12);
    expect(d.collapse.decidedBy).toContain('step 60 (between steps 50 and 60)');
    // Half-life by hand: half of 3.758 is 1.879; step 40 logged 1.773.
    expect(entropy[3]).toEqual([40, 1.773]);
    expect(d.collapse.halfLifeStep).toBe(40);
  });

  it('shows the length collapse and the all-equal groups as leading signals, with their steps', () => {
    const length = logged('completions/mean_length');
    // 23.65 tokens at step 10; a fifth is 4.73; step 40 logged 1.525 and nothing later came back.
    expect(length[0]).toEqual([10, 23.65]);
    expect(byHand(length, 0.2 * 23.65)).toBe(40);
    const zeroStd = logged('frac_reward_zero_std');
    // At least half the groups all-equal from step 60 on (0.8 there, 0.8 or 1 after).
    expect(zeroStd.slice(5).every(([, v]) => v >= 0.5)).toBe(true);
    expect(zeroStd[4]).toEqual([50, 0.4]);

    const byKind = Object.fromEntries(d.signals.map((s) => [s.kind, s]));
    expect(byKind['length-collapse']).toMatchObject({
      key: 'len/mean',
      aliasOf: 'completions/mean_length',
      crossing: { step: 40, previousStep: 30 },
      leadsCollapseBy: 20,
    });
    expect(byKind['length-collapse'].text).toContain('20 steps before entropy collapsed');
    expect(byKind['reward-saturation']).toMatchObject({
      key: 'group/zero_std_frac',
      aliasOf: 'frac_reward_zero_std',
      crossing: { step: 60, value: 0.8 },
      leadsCollapseBy: 0,
    });
    expect(d.scalars['len.collapseStep']).toBe(40);
  });

  it('gives the same numbers in the CLI report', async () => {
    const { formatRunReport } = await import('../../../src-main/lab/diagnostics');
    const report = formatRunReport(d);
    expect(report.split('\n')[1]).toMatch(
      /^Entropy: COLLAPSED — entropy fell below 10% of its first logged value 3\.758 \(0\.3758\)/,
    );
    expect(report).toContain('start 3.758 (step 10), final 0.004792 (step 490, 0.128% of start)');
    expect(report).toContain('collapse step (below 10% of start, lasting): step 60 (between steps 50 and 60)');
    expect(report).toContain('Leading signal: response length collapsed: from 23.65 tokens at step 10');
  });
});

describe('the real trainer logs of test/fixtures/real-logs', () => {
  const real = (name: string) => path.join(fixtures, 'real-logs', name);

  it('a resumed verl run starts at its first logged step, 101', async () => {
    const d = await importAndDiagnose(real('dstack_verl_demo.log'));
    if (d.collapse.status !== 'ok') throw new Error(d.collapse.reason);
    // actor/entropy_loss 0.035 at step 101 ... 0.03 at step 435: nowhere near a tenth of its start.
    expect(d.collapse).toMatchObject({ start: 0.035, startStep: 101, final: 0.03, finalStep: 435, collapseStep: null });
    expect(d.collapse.verdict).not.toBe('collapsed');
    expect(d.signals).toEqual([]);
  });

  it('a four-point TRL run: diagnosed, and its all-equal groups flagged from the first log', async () => {
    const d = await importAndDiagnose(real('metahackathon_trainer_state.json'));
    if (d.collapse.status !== 'ok') throw new Error(d.collapse.reason);
    expect(d.collapse).toMatchObject({ points: 4, startStep: 5, collapseStep: null, logEvery: 5 });
    expect(d.collapse.start).toBeCloseTo(0.9396193832159042, 12);
    // frac_reward_zero_std 0.7, 0.6, 0.6, 0.6: most groups gave no gradient from step 5 on.
    expect(d.signals.map((s) => [s.kind, s.crossing.step])).toEqual([['reward-saturation', 5]]);
  });

  it('logs without entropy say so, and still show what they have', async () => {
    for (const name of ['rldecisionagent_unsloth_train_grpo.log', 'chaoseconomy_trainer_state.json']) {
      const d = await importAndDiagnose(real(name));
      expect(d.collapse).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('no entropy') });
      // Noisy lengths that never stay below a fifth of their start, and groups that rarely tie.
      expect(d.signals).toEqual([]);
    }
  });
});

describe("logs made sparse from cliplab's own runs", () => {
  /** A tabular bandit that learns its verifier quickly with clip-high alone (cpu backend, seeded). */
  async function trainEntropy(): Promise<[number, number][]> {
    const base = presetConfig('tabular-random-sym');
    const config = runConfigSchema.parse({
      ...base,
      steps: 80,
      seed: 2,
      backend: 'cpu',
      task: { kind: 'bandit', prompts: 32, actions: 16, correct: 1, seed: 7 },
      reward: { kind: 'verifier' },
      rollout: { ...base.rollout, prompts: 32, groupSize: 16 },
      objective: { ...base.objective, clipLow: 1, clipHigh: 0.2 },
      eval: { ...base.eval, every: 0 },
      log: { ...base.log, samplesPerStep: 0 },
    });
    const trainer = await createTrainer(config, { backend: await selectBackend('cpu') });
    const out: [number, number][] = [];
    try {
      while (trainer.step < config.steps) {
        const { step, metrics } = await trainer.runStep();
        out.push([step, metrics.entropy]);
      }
    } finally {
      trainer.dispose();
    }
    return out;
  }

  /** A TRL trainer_state.json with entropy logged at the given steps only. */
  function trlState(points: [number, number][]): string {
    return JSON.stringify({
      global_step: points[points.length - 1][0],
      log_history: points.map(([step, entropy]) => ({ step, entropy, loss: 0, epoch: step / 100 })),
    });
  }

  it('dates the collapse at the first kept step below a tenth of the first kept value, every 10 steps and irregularly', async () => {
    const full = await trainEntropy();
    const sparse = {
      every10: full.filter(([s]) => s % 10 === 0),
      irregular: full.filter(([s]) => [3, 4, 11, 17, 30, 31, 44, 52, 53, 69, 78].includes(s)),
    };
    for (const [name, points] of Object.entries(sparse)) {
      const file = path.join(dir, `${name}-trainer_state.json`);
      fs.writeFileSync(file, trlState(points));
      const d = await importAndDiagnose(file);
      if (d.collapse.status !== 'ok') throw new Error(`${name}: ${d.collapse.reason}`);
      const level = points[0][1] / 10;
      expect(d.collapse.start, name).toBe(points[0][1]);
      expect(d.collapse.startStep, name).toBe(points[0][0]);
      expect(d.collapse.collapseStep, name).toBe(byHand(points, level));
      // This run does collapse (to about 0.09 from 1.64): the kept points must show it too.
      expect(d.collapse.collapseStep, name).not.toBeNull();
      expect(d.collapse.verdict, name).toBe('collapsed');
      // The crossing lies between the kept step before and the one dated.
      const at = points.findIndex(([s]) => s === byHand(points, level));
      expect(d.collapse.collapse?.previousStep, name).toBe(at > 0 ? points[at - 1][0] : null);
    }
  });
});
