/**
 * Every real log in test/fixtures/real-logs (copies of files that verl, TRL, Unsloth, Hugging Face and
 * hand-written PPO trainers wrote; see SOURCES.md there) imports with the right format, steps, keys,
 * values, params and aliases.
 */
import { describe, expect, it } from 'vitest';
import { withAliases, type AliasedImport } from '../../../src-main/lab/import/aliases';
import { parseFile, type ParseResult } from '../../../src-main/lab/import/parse';
import { realLog } from './helpers';

async function load(name: string): Promise<AliasedImport<ParseResult>> {
  return withAliases(await parseFile(realLog(name)));
}

function allSteps(run: AliasedImport): number[] {
  const steps = new Set<number>();
  for (const s of run.series.values()) s.steps.forEach((x) => steps.add(x));
  return [...steps].sort((a, b) => a - b);
}

function valueAt(run: AliasedImport, key: string, step: number): number | undefined {
  const s = run.series.get(key);
  const i = s ? s.steps.indexOf(step) : -1;
  return i >= 0 ? s!.values[i] : undefined;
}

/** Keys the file itself logs (aliases excluded). */
function originalKeys(run: AliasedImport): string[] {
  const aliasOnly = Object.keys(run.aliases).filter((k) => run.aliases[k] !== k);
  return [...run.series.keys()].filter((k) => !aliasOnly.includes(k));
}

describe('verl console log (Ray job, ANSI colours, resumed run)', async () => {
  const run = await load('dstack_verl_demo.log');

  it('reads every step line and key', () => {
    expect(run.format).toBe('verl-console');
    expect(run.detection.reason).toMatch(/step:101/);
    const steps = allSteps(run);
    expect(steps).toHaveLength(335);
    expect(steps[0]).toBe(101);
    expect(steps.at(-1)).toBe(435);
    expect(originalKeys(run)).toHaveLength(68);
    expect(run.series.get('val-core/openai/gsm8k/reward/mean@1')!.steps).toHaveLength(34);
  });

  it('keeps the printed values', () => {
    expect(valueAt(run, 'actor/entropy_loss', 101)).toBe(0.035);
    expect(valueAt(run, 'actor/pg_loss', 102)).toBe(-0.296);
    expect(valueAt(run, 'critic/advantages/min', 101)).toBe(-4.252);
  });

  it('reads the pretty-printed config into params', () => {
    expect(run.params['actor_rollout_ref.actor.clip_ratio_c']).toBe(3);
    expect(run.params['actor_rollout_ref.actor.loss_agg_mode']).toBe('token-mean');
    expect(run.params['algorithm.adv_estimator']).toBe('gae');
    expect(run.params['actor_rollout_ref.actor.optim.lr']).toBe(1e-6);
  });

  it('aliases the dual-clip fraction to clip/dual_frac, never to clip-low, and marks clipping combined', () => {
    expect(run.trainer).toBe('verl');
    expect(run.aliases['clip/dual_frac']).toBe('actor/pg_clipfrac_lower');
    expect(run.series.get('clip/dual_frac')).toBe(run.series.get('actor/pg_clipfrac_lower'));
    expect(run.aliases['clip/low_frac']).toBeUndefined();
    expect(run.aliases['clip/high_frac']).toBeUndefined();
    expect(run.series.has('clip/low_frac')).toBe(false);
    expect(run.clipFractionCombined).toBe(true);
  });

  it('takes entropy from old verl entropy_loss (token-mean) and the other same-meaning keys', () => {
    expect(run.aliases).toMatchObject({
      entropy: 'actor/entropy_loss',
      'reward/mean': 'critic/score/mean',
      'kl/ppo': 'actor/ppo_kl',
      'loss/pg': 'actor/pg_loss',
      grad_norm: 'actor/grad_norm',
      'len/mean': 'response_length/mean',
      'time/step_s': 'timing_s/step',
    });
    expect(valueAt(run, 'entropy', 101)).toBe(0.035);
    expect(run.aliases['kl/ref']).toBeUndefined(); // use_kl_loss was off: no actor/kl_loss
  });
});

describe('verl file-logger JSONL', async () => {
  const run = await load('hanlindu_verl_gsm8k.jsonl');

  it('reads the validation-only step 0 and three training steps', () => {
    expect(run.format).toBe('verl-jsonl');
    expect(allSteps(run)).toEqual([0, 1, 2, 3]);
    expect(valueAt(run, 'val-core/openai/gsm8k/acc/mean@1', 0)).toBe(0);
    expect(run.series.get('actor/grad_norm')!.steps).toEqual([1, 2, 3]);
  });

  it('turns nulls into NaN points and skips the string-valued keys with a warning', () => {
    expect(valueAt(run, 'actor/pg_loss', 3)).toBeNaN();
    expect(valueAt(run, 'actor/pg_loss', 1)).toBeCloseTo(0.1204916136821339, 15);
    expect(originalKeys(run)).toHaveLength(137);
    expect(run.series.has('resize/mode')).toBe(false);
    expect(run.warnings.filter((w) => w.includes('not numbers'))).toHaveLength(10);
  });

  it('has no entropy to alias, and keeps the dual-clip fraction apart from clip-low', () => {
    expect(run.aliases.entropy).toBeUndefined();
    expect(run.aliases['clip/dual_frac']).toBe('actor/pg_clipfrac_lower');
    expect(run.aliases['kl/ref']).toBe('actor/kl_loss');
    expect(run.clipFractionCombined).toBe(true);
  });
});

describe('TRL trainer_state.json', async () => {
  const old = await load('chaoseconomy_trainer_state.json');
  const recent = await load('metahackathon_trainer_state.json');

  it('reads log_history steps, values and the document fields as params', () => {
    expect(old.format).toBe('trl-state');
    const steps = allSteps(old);
    expect(steps).toHaveLength(40);
    expect([steps[0], steps.at(-1)]).toEqual([5, 200]);
    expect(originalKeys(old)).toHaveLength(32);
    expect(valueAt(old, 'reward', 5)).toBe(-0.09811544418334961);
    expect(old.params.logging_steps).toBe(5);
    expect(allSteps(recent)).toEqual([5, 10, 15, 20]);
  });

  it('aliases clip-low and clip-high apart, KL to the reference, and entropy where logged', () => {
    expect(old.aliases).toMatchObject({
      'clip/low_frac': 'clip_ratio/low_mean',
      'clip/high_frac': 'clip_ratio/high_mean',
      'reward/mean': 'reward',
      'kl/ref': 'kl',
      'group/zero_std_frac': 'frac_reward_zero_std',
      'len/mean': 'completions/mean_length',
    });
    expect(old.clipFractionCombined).toBe(false);
    expect(old.aliases.entropy).toBeUndefined();
    expect(old.aliases['loss/pg']).toBeUndefined();
    expect(recent.aliases.entropy).toBe('entropy');
    expect(valueAt(recent, 'entropy', 5)).toBe(0.9396193832159042);
    expect(recent.aliases['time/step_s']).toBe('step_time');
  });
});

describe('Unsloth / TRL console log', async () => {
  const run = await load('rldecisionagent_unsloth_train_grpo.log');

  it('counts 47 logging steps over two training sessions', () => {
    expect(run.format).toBe('trl-console');
    expect(run.detection.reason).toBe(
      "a Python dict line with Trainer keys {'loss', 'grad_norm', 'learning_rate', ...} (TRL / Unsloth console)",
    );
    expect(allSteps(run)).toEqual(Array.from({ length: 47 }, (_, i) => i + 1));
    expect(run.warnings.some((w) => w.includes('2 training sessions'))).toBe(true);
    expect(run.params['unsloth.total_steps']).toBe(20);
  });

  it('reads nan, re-joins the dict wrapped over two lines, and skips the end summary', () => {
    const grad = run.series.get('grad_norm')!;
    expect(grad.values.slice(0, 20).every(Number.isNaN)).toBe(true);
    expect(grad.values[20]).toBe(0.5666718482971191);
    expect(valueAt(run, 'completions/max_terminated_length', 47)).toBe(578);
    expect(valueAt(run, 'kl', 47)).toBe(0.0009595842566341162);
    expect(run.series.has('train_runtime')).toBe(false);
  });

  it('aliases reward and KL, with no entropy or clip keys to alias', () => {
    expect(run.aliases).toMatchObject({ 'reward/mean': 'reward', 'kl/ref': 'kl', grad_norm: 'grad_norm' });
    expect(run.aliases.entropy).toBeUndefined();
    expect(run.aliases['clip/low_frac']).toBeUndefined();
    expect(run.clipFractionCombined).toBe(false);
  });
});

describe('CSV logs', async () => {
  const simworld = await load('simworld_ppo_metrics.csv');
  const hopper = await load('boogaq_ppo_hopper_run-2020-08-26-23-04-59-478900.csv');

  it('uses the first known step column (global_step before update)', () => {
    expect(simworld.format).toBe('csv');
    const steps = allSteps(simworld);
    expect(steps).toHaveLength(488);
    expect([steps[0], steps.at(-1)]).toEqual([2048, 999424]);
    expect(originalKeys(simworld)).toHaveLength(9);
    expect(valueAt(simworld, 'approx_kl', 2048)).toBe(0.0025830003432929516);
  });

  it('skips empty cells and reads "total timesteps" as the step and total_time as the clock', () => {
    expect(hopper.series.get('ep_rew_mean')!.steps).toHaveLength(123);
    expect(hopper.series.get('entropy_loss')!.steps).toHaveLength(122);
    expect(hopper.series.get('entropy_loss')!.steps[0]).toBe(16384);
    expect(hopper.series.get('ep_rew_mean')!.times![0]).toBe(2.736534595489502);
  });

  it('never aliases a Stable-Baselines entropy_loss (minus the entropy) to entropy', () => {
    expect(hopper.trainer).toBe('sb3');
    expect(hopper.aliases.entropy).toBeUndefined();
    expect(hopper.aliases['loss/pg']).toBe('policy_gradient_loss');
    expect(simworld.aliases['kl/ppo']).toBe('approx_kl');
    expect(simworld.clipFractionCombined).toBe(true);
  });
});

describe('Hugging Face TensorBoard event file', async () => {
  const run = await load('serial-lain-ai_events.out.tfevents.1719642696.6a29ce405cda.1269.0');

  it('reads the scalar tags with steps and wall-clock offsets, skipping text summaries', () => {
    expect(run.format).toBe('tfevents');
    const loss = run.series.get('train/loss')!;
    expect(loss.steps).toEqual([500, 1000, 1500, 2000, 2500, 3000]);
    expect(loss.values[0]).toBe(0.4742);
    expect(loss.times![0]).toBeGreaterThan(500);
    expect(run.series.get('train/epoch')!.steps).toHaveLength(7);
    expect(run.warnings.some((w) => w.includes('model_config/text_summary'))).toBe(true);
  });

  it('takes the TrainingArguments text summary as params', () => {
    expect(run.params.learning_rate).toBe(5e-5);
    expect(run.params.output_dir).toBe('output/');
  });
});
