/** The alias table's decisions, one trainer at a time, including the deliberate non-aliases. */
import { describe, expect, it } from 'vitest';
import { METRIC } from '../../../src-main/contract';
import { ALIAS_TABLE } from '../../../src-main/lab/import/aliasTable';
import { detectTrainer, resolveAliases } from '../../../src-main/lab/import/aliases';
import { defaultRunName, importGroupKey } from '../../../src-main/lab/import/index';

describe('the alias table', () => {
  it('only names canonical keys that exist, and explains every row', () => {
    const canonical = new Set<string>(Object.values(METRIC));
    for (const rule of ALIAS_TABLE) {
      if (rule.canonical !== null) expect(canonical.has(rule.canonical), rule.key).toBe(true);
      expect(rule.why.length, rule.key).toBeGreaterThan(5);
    }
  });
});

describe('resolveAliases', () => {
  it('verl: pg_clipfrac is the combined clip/frac; pg_clipfrac_lower is clip/dual_frac only under the vanilla loss', () => {
    const keys = ['actor/pg_clipfrac', 'actor/pg_clipfrac_lower', 'actor/entropy'];
    const vanilla = resolveAliases('verl-jsonl', keys, {});
    expect(vanilla.aliases).toEqual({
      entropy: 'actor/entropy',
      'clip/frac': 'actor/pg_clipfrac',
      'clip/dual_frac': 'actor/pg_clipfrac_lower',
    });
    // Neither side alone: nothing feeds clip/low_frac or clip/high_frac.
    expect(vanilla.aliases['clip/low_frac']).toBeUndefined();
    expect(vanilla.aliases['clip/high_frac']).toBeUndefined();
    expect(vanilla.clipFractionCombined).toBe(true);
    const gspo = resolveAliases('verl-jsonl', keys, { 'actor_rollout_ref.actor.policy_loss.loss_mode': 'gspo' });
    expect(gspo.aliases['clip/dual_frac']).toBeUndefined();
  });

  it('verl: old entropy_loss is the entropy under token-mean only, and actor/entropy wins when both exist', () => {
    const old = ['actor/entropy_loss', 'actor/pg_loss'];
    expect(resolveAliases('verl-console', old, {}).aliases.entropy).toBe('actor/entropy_loss');
    const seqMean = { 'actor_rollout_ref.actor.loss_agg_mode': 'seq-mean-token-mean' };
    expect(resolveAliases('verl-console', old, seqMean).aliases.entropy).toBeUndefined();
    expect(resolveAliases('verl-console', [...old, 'actor/entropy'], {}).aliases.entropy).toBe('actor/entropy');
  });

  it('TRL through TensorBoard: train/ prefixes are matched, eval/ ones are not', () => {
    const keys = [
      'train/reward',
      'train/clip_ratio/low_mean',
      'train/clip_ratio/high_mean',
      'train/clip_ratio/region_mean',
      'train/frac_reward_zero_std',
      'train/kl',
      'eval/reward',
    ];
    expect(detectTrainer('tfevents', keys)).toBe('trl');
    expect(resolveAliases('tfevents', keys, {})).toMatchObject({
      trainer: 'trl',
      aliases: {
        'reward/mean': 'train/reward',
        'clip/low_frac': 'train/clip_ratio/low_mean',
        'clip/high_frac': 'train/clip_ratio/high_mean',
        'clip/frac': 'train/clip_ratio/region_mean',
        'group/zero_std_frac': 'train/frac_reward_zero_std',
        'kl/ref': 'train/kl',
      },
      clipFractionCombined: false,
    });
  });

  it('OpenRLHF entropy_loss is the entropy; a Stable-Baselines one (minus the entropy) is not', () => {
    const openrlhf = resolveAliases('tfevents', ['train/entropy_loss', 'train/ppo_clip_ratio', 'train/ppo_kl'], {});
    expect(openrlhf).toMatchObject({ trainer: 'openrlhf', clipFractionCombined: true });
    expect(openrlhf.aliases).toEqual({
      entropy: 'train/entropy_loss',
      'clip/frac': 'train/ppo_clip_ratio',
      'kl/ppo': 'train/ppo_kl',
    });
    const sb3 = resolveAliases('csv', ['entropy_loss', 'policy_gradient_loss', 'clip_fraction', 'approx_kl'], {});
    expect(sb3.trainer).toBe('sb3');
    expect(sb3.aliases.entropy).toBeUndefined();
    // |r - 1| > eps whatever the advantage: not the binding clip fraction.
    expect(sb3.aliases['clip/frac']).toBeUndefined();
    const unknown = resolveAliases('csv', ['entropy_loss', 'return'], {});
    expect([unknown.trainer, unknown.aliases.entropy]).toEqual(['generic', undefined]);
  });

  it('never shadows a key the file logs under a canonical name with another series', () => {
    const info = resolveAliases('verl-jsonl', ['entropy', 'actor/entropy'], {});
    expect(info.aliases.entropy).toBeUndefined();
  });
});

describe('run names and groups', () => {
  it('names a run after its file, prefixing the folder of generic names', () => {
    expect(defaultRunName('/data/runs/gsm8k.jsonl')).toBe('gsm8k');
    expect(defaultRunName('/out/checkpoint-200/trainer_state.json')).toMatch(/^checkpoint-200.trainer_state\.json$/);
  });

  it('groups imports whose params differ only by seed, and keeps param-less files apart', () => {
    const a = importGroupKey('verl-jsonl', { 'data.seed': 1, 'actor.lr': 1e-6 }, 'a.jsonl');
    const b = importGroupKey('verl-jsonl', { 'data.seed': 2, 'actor.lr': 1e-6 }, 'b.jsonl');
    expect(a).toBe(b);
    expect(importGroupKey('csv', {}, 'a.csv')).not.toBe(importGroupKey('csv', {}, 'b.csv'));
  });
});
