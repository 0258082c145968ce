/**
 * Config export: the verl overrides are parsed back and checked value by value, the TRL arguments
 * likewise, and every setting without a counterpart is named in the comment block.
 */
import { describe, expect, it } from 'vitest';
import { presetConfig, runConfigSchema, type RunConfig, type RunConfigInput } from '../../../src-main/contract';
import { exportConfig } from '../../../src-main/lab/export-config';

/** `key=value` pairs of the verl command, in order. */
function verlOverrides(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^ {4}([\w.]+)=(\S+?)(?: \\)?$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/** Keyword arguments of `GRPOConfig(...)`. */
function trlArguments(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^ {4}(\w+)=(.+),$/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

function comments(text: string): string {
  return text
    .split('\n')
    .filter((l) => l.startsWith('#'))
    .join('\n');
}

function config(input: RunConfigInput): RunConfig {
  return runConfigSchema.parse(input);
}

const custom = config({
  name: 'dapo-dual',
  steps: 300,
  task: { kind: 'add', size: 3 },
  policy: { kind: 'gpt' },
  reward: { kind: 'gaussian', mean: 0, std: 1 },
  rollout: { prompts: 30, groupSize: 16, temperature: 0.8 },
  advantage: { estimator: 'dr_grpo' },
  objective: {
    loss: 'clip_cov',
    clipLow: 0.2,
    clipHigh: 0.28,
    dualClip: 3,
    aggregation: 'seq-mean-token-sum-norm',
    entropyCoef: 0.01,
    klCoef: 0.001,
    klEstimator: 'k1',
    covRatio: 0.0005,
    covLow: 1,
    covHigh: 4,
  },
  optim: { lr: 1e-4, epochs: 3, minibatches: 4, gradClip: null },
});

describe('verl overrides', () => {
  it('carry the paper preset, with never-binding stand-ins for the bounds verl cannot switch off', () => {
    const text = exportConfig(presetConfig('gpt-random-clip-low-only'), 'verl', 'my run');
    const o = verlOverrides(text);
    expect(o).toMatchObject({
      'algorithm.adv_estimator': 'grpo',
      'algorithm.norm_adv_by_std_in_grpo': 'true',
      'data.train_batch_size': '64',
      'actor_rollout_ref.rollout.n': '8',
      'actor_rollout_ref.actor.policy_loss.loss_mode': 'vanilla',
      'actor_rollout_ref.actor.clip_ratio_low': '0.2',
      'actor_rollout_ref.actor.clip_ratio_high': '1e9',
      'actor_rollout_ref.actor.clip_ratio_c': '1e9',
      'actor_rollout_ref.actor.loss_agg_mode': 'token-mean',
      'actor_rollout_ref.actor.use_kl_loss': 'false',
      'actor_rollout_ref.actor.ppo_epochs': '2',
      'actor_rollout_ref.actor.ppo_mini_batch_size': '16',
      'actor_rollout_ref.actor.optim.lr': '0.0003',
      'trainer.total_training_steps': '200',
    });
    expect(text).toMatch(/^# verl Hydra overrides for the cliplab run "my run"\./);
    expect(comments(text)).toMatch(/clip_ratio_high=1e9: no upper clip/);
    expect(comments(text)).toMatch(/reward bernoulli\(p=0\.5\).*random\.random\(\) < 0\.5/);
    expect(text.trimEnd().endsWith('trainer.total_training_steps=200')).toBe(true);
  });

  it('map Dr. GRPO, dual clip, KL, entropy and Clip-Cov, and name what verl lacks', () => {
    const text = exportConfig(custom, 'verl');
    const o = verlOverrides(text);
    expect(o).toMatchObject({
      'algorithm.adv_estimator': 'grpo',
      'algorithm.norm_adv_by_std_in_grpo': 'false',
      'actor_rollout_ref.rollout.temperature': '0.8',
      'actor_rollout_ref.actor.policy_loss.loss_mode': 'clip_cov',
      'actor_rollout_ref.actor.policy_loss.clip_cov_ratio': '0.0005',
      'actor_rollout_ref.actor.policy_loss.clip_cov_lb': '1',
      'actor_rollout_ref.actor.policy_loss.clip_cov_ub': '4',
      'actor_rollout_ref.actor.clip_ratio_high': '0.28',
      'actor_rollout_ref.actor.loss_agg_mode': 'seq-mean-token-sum-norm',
      'actor_rollout_ref.actor.entropy_coeff': '0.01',
      'actor_rollout_ref.actor.use_kl_loss': 'true',
      'actor_rollout_ref.actor.kl_loss_coef': '0.001',
      'actor_rollout_ref.actor.kl_loss_type': 'kl',
      'actor_rollout_ref.actor.grad_clip': '1e9',
      'actor_rollout_ref.actor.ppo_mini_batch_size': '8',
    });
    expect(o['actor_rollout_ref.actor.clip_ratio_c']).toBeUndefined();
    const notes = comments(text);
    expect(notes).toMatch(/dual clip c=3: verl's clip_cov loss does not apply clip_ratio_c/);
    expect(notes).toMatch(
      /ppo_mini_batch_size: .*30 x 16 responses into 4 minibatches.*8 prompts per mini-batch give 4 updates/,
    );
    expect(notes).toMatch(/reward gaussian\(mean=0, std=1\)/);
  });

  it('export KL-Cov without clip bounds, and REINFORCE++ and RLOO by their verl names', () => {
    const klCov = config({
      objective: { loss: 'kl_cov', covRatio: 0.001, klCovCoef: 2 },
      advantage: { estimator: 'rloo' },
    });
    const o = verlOverrides(exportConfig(klCov, 'verl'));
    expect(o).toMatchObject({
      'algorithm.adv_estimator': 'rloo',
      'actor_rollout_ref.actor.policy_loss.loss_mode': 'kl_cov',
      'actor_rollout_ref.actor.policy_loss.kl_cov_ratio': '0.001',
      'actor_rollout_ref.actor.policy_loss.ppo_kl_coef': '2',
    });
    expect(o['actor_rollout_ref.actor.clip_ratio_low']).toBeUndefined();
    const rpp = verlOverrides(exportConfig(config({ advantage: { estimator: 'reinforce_pp' } }), 'verl'));
    expect(rpp['algorithm.adv_estimator']).toBe('reinforce_plus_plus');
    expect(rpp['algorithm.norm_adv_by_std_in_grpo']).toBeUndefined();
  });
});

describe('TRL GRPOConfig', () => {
  it('maps the symmetric preset to epsilon / epsilon_high, batches and a constant schedule', () => {
    const text = exportConfig(presetConfig('gpt-true-sym'), 'trl');
    expect(trlArguments(text)).toMatchObject({
      epsilon: '0.2',
      epsilon_high: '0.2',
      loss_type: '"dapo"',
      scale_rewards: '"group"',
      num_generations: '8',
      per_device_train_batch_size: '128',
      steps_per_generation: '4',
      num_iterations: '2',
      learning_rate: '0.0001',
      lr_scheduler_type: '"constant"',
      max_grad_norm: '1',
      beta: '0',
    });
    expect(text).toMatch(/^from trl import GRPOConfig$/m);
    expect(trlArguments(text).delta).toBeUndefined();
  });

  it('exports dual clip as delta only where the two coincide (delta > 1 + epsilon_high)', () => {
    const a = trlArguments(exportConfig(config({ objective: { clipHigh: 0.28, dualClip: 3 } }), 'trl'));
    expect(a.delta).toBe('3');
    const text = exportConfig(config({ objective: { clipHigh: 0.28, dualClip: 1.2 } }), 'trl');
    expect(trlArguments(text).delta).toBeUndefined();
    expect(comments(text)).toMatch(/dual clip c=1\.2: TRL's delta equals it only when delta > 1 \+ epsilon_high/);
  });

  it('maps GSPO, CISPO and Dr. GRPO and lists what TRL lacks', () => {
    const gspo = trlArguments(
      exportConfig(
        config({ objective: { loss: 'gspo', clipLow: 3e-4, clipHigh: 4e-4, aggregation: 'seq-mean-token-mean' } }),
        'trl',
      ),
    );
    expect(gspo).toMatchObject({ importance_sampling_level: '"sequence"', loss_type: '"grpo"', epsilon: '0.0003' });
    const cispoText = exportConfig(
      custom.objective && config({ objective: { loss: 'cispo', clipLow: 0.2, clipHigh: 4 } }),
      'trl',
    );
    expect(trlArguments(cispoText)).toMatchObject({ loss_type: '"cispo"', epsilon_high: '5' });
    expect(comments(cispoText)).toMatch(/CISPO lower bound 1 - 0\.2 on the IS weight/);
    const text = exportConfig(custom, 'trl');
    expect(trlArguments(text)).toMatchObject({
      scale_rewards: '"none"',
      loss_type: '"dr_grpo"',
      beta: '0.001',
      max_grad_norm: '0',
      temperature: '0.8',
      output_dir: '"dapo-dual-grpo"',
    });
    const notes = comments(text);
    expect(notes).toMatch(/loss clip_cov .*TRL has no covariance-based loss/);
    expect(notes).toMatch(/KL estimator k1: TRL's KL penalty is always k3/);
    expect(notes).toMatch(/entropy bonus 0\.01: GRPOConfig has none/);
  });

  it('notes the RLOO scale and a tabular bandit policy', () => {
    const text = exportConfig(presetConfig('tabular-random-sym'), 'trl');
    expect(comments(text)).toMatch(/policy: a tabular softmax policy/);
    expect(comments(text)).toMatch(/task bandit \(256 prompts x 64 actions\)/);
    const rloo = exportConfig(config({ advantage: { estimator: 'rloo' }, rollout: { groupSize: 4 } }), 'trl');
    expect(comments(rloo)).toMatch(/scale_rewards=none: RLOO's advantages are G\/\(G-1\) = 1\.3333333333333333 times/);
  });
});

describe('loss aggregation', () => {
  it('translates seq-mean-token-sum-norm for verl: its normaliser L as loss_scale_factor, releases that differ named', () => {
    // custom: the add task of size 3, whose longest answer (end token included) is 5 tokens.
    const text = exportConfig(custom, 'verl');
    expect(verlOverrides(text)).toMatchObject({
      'actor_rollout_ref.actor.loss_agg_mode': 'seq-mean-token-sum-norm',
      'actor_rollout_ref.actor.loss_scale_factor': '5',
    });
    const notes = comments(text).replace(/\n#\s+/g, ' ');
    expect(notes).toMatch(
      /loss_scale_factor=5: cliplab's seq-mean-token-sum-norm divides each response's token sum by B \* L/,
    );
    expect(notes).toMatch(/verl 0\.7 and 0\.8 leave out the 1\/B/);
    expect(notes).toMatch(/use loss_agg_mode=seq-mean-token-sum with optim\.lr divided by 5/);
    // TRL's dr_grpo divides by max_completion_length: set to the same L.
    expect(trlArguments(exportConfig(custom, 'trl'))).toMatchObject({
      loss_type: '"dr_grpo"',
      max_completion_length: '5',
    });
  });

  it('offers seq-mean-token-sum, which verl and TRL (luspo) name and compute alike', () => {
    const sum = config({ objective: { aggregation: 'seq-mean-token-sum' } });
    const verl = verlOverrides(exportConfig(sum, 'verl'));
    expect(verl['actor_rollout_ref.actor.loss_agg_mode']).toBe('seq-mean-token-sum');
    expect(verl['actor_rollout_ref.actor.loss_scale_factor']).toBeUndefined();
    expect(trlArguments(exportConfig(sum, 'trl'))).toMatchObject({ loss_type: '"luspo"' });
    expect(comments(exportConfig(sum, 'verl'))).not.toMatch(/loss_agg_mode|seq-mean/);
  });
});

describe('exportConfig with the probe (--probe)', () => {
  const ppo = presetConfig('tabular-random-sym');

  it('replaces verl vanilla by the probe loss and adds the lines that load it in the workers', () => {
    const plain = verlOverrides(exportConfig(ppo, 'verl'));
    const probed = verlOverrides(exportConfig(ppo, 'verl', undefined, { probe: true }));
    expect(plain['actor_rollout_ref.actor.policy_loss.loss_mode']).toBe('vanilla');
    expect(probed['actor_rollout_ref.actor.policy_loss.loss_mode']).toBe('cliplab_probe');
    expect(probed['actor_rollout_ref.model.external_lib']).toBe('cliplab_probe.verl');
    const stream = exportConfig(ppo, 'verl', undefined, { probe: true });
    expect(stream).toContain(
      '    +ray_kwargs.ray_init.runtime_env.env_vars.CLIPLAB_PROBE_STREAM=$PWD/cliplab-probe.jsonl',
    );
    // everything else is the plain export
    const { ...rest } = probed;
    delete rest['actor_rollout_ref.actor.policy_loss.loss_mode'];
    delete rest['actor_rollout_ref.model.external_lib'];
    const { ...plainRest } = plain;
    delete plainRest['actor_rollout_ref.actor.policy_loss.loss_mode'];
    expect(rest).toEqual(plainRest);
  });

  it('leaves other verl losses alone and says why', () => {
    const gspo = config({ ...presetConfig('tabular-random-sym'), objective: { loss: 'gspo' } } as RunConfigInput);
    const text = exportConfig(gspo, 'verl', undefined, { probe: true });
    expect(verlOverrides(text)['actor_rollout_ref.model.external_lib']).toBeUndefined();
    expect(comments(text)).toContain("--probe: cliplab-probe measures verl's vanilla loss");
  });

  it('adds the import and the attach call to the TRL export', () => {
    const text = exportConfig(ppo, 'trl', undefined, { probe: true });
    expect(text.startsWith(exportConfig(ppo, 'trl'))).toBe(true);
    expect(text).toContain('from cliplab_probe.trl import attach_probe');
    expect(text).toContain('attach_probe(trainer, "cliplab-probe.jsonl")');
  });
});
