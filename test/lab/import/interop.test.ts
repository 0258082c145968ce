/**
 * Files written by the real tools (scripts/fixtures/make_interop_fixtures.py, kept in
 * test/fixtures/interop): W&B offline runs, MLflow's file store and SQLite backend, TensorBoard
 * event files from torch's and tensorboardX's writers, verl's file logger, and the real TRL console
 * log wrapped as a Kaggle kernel log and a Jupyter notebook. Each imports with exactly the values
 * the tool was given, under the tool's key names plus cliplab's canonical ones.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFixture, importRuns, INTEROP, loadExpected, type ExpectedFixture } from './interopFixtures';

const expected = loadExpected();
const fixture = (id: string): ExpectedFixture => expected[id];
const load = async (id: string) => (await importRuns(path.join(INTEROP, fixture(id).path)))[0];

describe('every interop fixture imports with the values its tool was given', () => {
  for (const [id, fx] of Object.entries(expected)) {
    it(`${id} (${fx.path})`, async () => {
      await checkFixture(INTEROP, id, fx);
    });
  }
});

describe('canonical names over the tools', () => {
  const trlKeys: [string, string][] = [
    ['entropy', 'entropy'],
    ['reward/mean', 'reward'],
    ['clip/low_frac', 'clip_ratio/low_mean'],
    ['clip/high_frac', 'clip_ratio/high_mean'],
    ['grad_norm', 'grad_norm'],
    ['group/zero_std_frac', 'frac_reward_zero_std'],
  ];

  it.each(['trl-wandb', 'trl-tensorboard-torch', 'trl-tensorboard-tensorboardx', 'trl-mlflow-run'])(
    "%s: TRL keys (with or without the writers' train/ prefix) get the same canonical aliases",
    async (id) => {
      const run = await load(id);
      expect(run.trainer).toBe('trl');
      const prefix = id === 'trl-mlflow-run' ? '' : 'train/';
      for (const [canonical, key] of trlKeys) {
        expect(run.aliases[canonical], `${id} ${canonical}`).toBe(`${prefix}${key}`);
        expect(run.series.get(canonical)).toEqual(run.series.get(`${prefix}${key}`));
      }
      expect(run.clipFractionCombined).toBe(false);
    },
  );

  it.each(['verl-wandb', 'verl-tensorboard', 'verl-mlflow-db', 'verl-jsonl'])(
    '%s: verl keys get canonical aliases; its clip fraction is combined only',
    async (id) => {
      const run = await load(id);
      expect(run.trainer).toBe('verl');
      expect(run.aliases).toMatchObject({
        entropy: 'actor/entropy',
        'reward/mean': 'critic/score/mean',
        'kl/ppo': 'actor/ppo_kl',
        'loss/pg': 'actor/pg_loss',
        'len/mean': 'response_length/mean',
      });
      expect(run.clipFractionCombined).toBe(true);
      const entropy = fixture(id).series!['actor/entropy'];
      expect(run.series.get('entropy')!.steps).toEqual(entropy.steps);
    },
  );
});

describe('W&B runs', () => {
  it('take their name, ids, config and summary from the run file', async () => {
    const run = await load('verl-wandb');
    expect(run.external).toMatchObject({
      name: 'verl-grpo-gsm8k',
      ids: { run_id: 'verlfix1', project: 'cliplab-fixtures' },
    });
    // verl hands W&B its whole resolved config: hundreds of keys, flattened as verl's own overrides.
    expect(Object.keys(run.params).length).toBeGreaterThan(300);
    expect(run.params['actor_rollout_ref.actor.clip_ratio_high']).toBe(0.28);
    expect(run.params['actor_rollout_ref.actor.policy_loss.loss_mode']).toBe('vanilla');
    const entropy = fixture('verl-wandb').series!['actor/entropy'];
    expect(run.external!.summary!['actor/entropy']).toBe(entropy.values.at(-1));
    expect(run.external!.summary!._step).toBe(12);
    expect(run.warnings).toEqual([]);
  });

  it("step TRL's rows by train/global_step (the Trainer's define_metric), not W&B's row counter", async () => {
    const run = await load('trl-wandb');
    expect(run.series.get('train/reward')!.steps).toEqual([5, 10, 15, 20, 25, 30, 35, 40]);
    expect(run.series.has('train/global_step')).toBe(false);
    expect(run.external!.summary).toMatchObject({ train_runtime: 1021.5975, train_loss: -3.3993273973464965e-9 });
    expect(run.params).toMatchObject({ epsilon: 0.2, epsilon_high: 0.28, loss_type: 'dapo', beta: 0.04 });
    expect(run.series.get('train/reward')!.times!.every((t) => t >= 0)).toBe(true);
  });
});

describe('MLflow stores', () => {
  it('read the same run from the mlruns folder, its experiment folder and its run folder', async () => {
    const store = await importRuns(path.join(INTEROP, 'trl', 'mlruns'));
    const experiment = await importRuns(path.join(INTEROP, fixture('trl-mlflow-experiment').path));
    const single = await importRuns(path.join(INTEROP, fixture('trl-mlflow-run').path));
    for (const runs of [store, experiment, single]) {
      expect(runs).toHaveLength(1);
      expect(runs[0].series).toEqual(single[0].series);
      expect(runs[0].external).toMatchObject({ name: 'trl-grpo-fixture', ids: { experiment: 'cliplab-fixtures' } });
    }
    expect(single[0].params).toMatchObject({ epsilon_high: 0.28, loss_type: 'dapo', bf16: true, max_steps: 40 });
  });

  it("read verl's SQLite store with its `/`-flattened config as dotted params and NaN-free values", async () => {
    const run = await load('verl-mlflow-db');
    expect(run.detection.reason).toMatch(/SQLite database with MLflow tracking tables/);
    expect(run.params['actor_rollout_ref.actor.clip_ratio_high']).toBe(0.28);
    expect(run.params['algorithm.adv_estimator']).toBe('grpo');
    // verl renames `@` to `_at_` for MLflow; the series is the one W&B has under the original name.
    const mlflow = run.series.get('val-core/openai/gsm8k/reward/mean_at_4')!;
    expect(mlflow.values).toEqual(fixture('verl-wandb').series!['val-core/openai/gsm8k/reward/mean@4'].values);
  });
});

describe('containers', () => {
  it('a Kaggle kernel log says what it held and imports as the console log inside it', async () => {
    const run = await load('trl-kaggle');
    expect(run.detection.reason).toMatch(/^a Kaggle kernel log \(\d+ stream records\) holding a Python dict line/);
    expect(run.series.get('reward')!.values[0]).toBe(-3.3125);
    expect(run.aliases['reward/mean']).toBe('reward');
  });

  it('a notebook too, though its stream outputs were split mid-line', async () => {
    const run = await load('trl-notebook');
    expect(run.detection.reason).toMatch(/^a Jupyter notebook \(4 cells\) holding/);
    expect(run.series.get('completions/mean_length')!.values[0]).toBe(773.53125);
  });
});
