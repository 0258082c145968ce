import { describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src-main/contract/config';
import { KeyResolver, keysToFetch, resolveQuantity } from '../../../src-main/lab/diagnostics/keys';
import { clipSettingsFromConfig, clipSettingsFromParams } from '../../../src-main/lab/diagnostics/settings';
import { seriesOf } from './synthetic';

describe('key resolution', () => {
  it('prefers the canonical key and falls back to trainer names, saying which was used', () => {
    const both = { entropy: seriesOf([1, 2], () => 1), 'actor/entropy': seriesOf([1, 2], () => 2) };
    expect(resolveQuantity(both, 'entropy')?.key).toBe('entropy');
    const verl = new KeyResolver({ 'actor/entropy': seriesOf([1, 2], () => 2) });
    expect(verl.get('entropy')?.key).toBe('actor/entropy');
    expect(verl.uses()).toEqual([{ quantity: 'entropy', key: 'actor/entropy', fallback: true, aliasOf: null }]);
  });

  it('skips keys that hold no finite value', () => {
    const series = { entropy: seriesOf([1, 2], () => null), 'actor/entropy': seriesOf([1, 2], () => 0.7) };
    expect(resolveQuantity(series, 'entropy')?.key).toBe('actor/entropy');
  });

  it('matches verl validation keys by pattern and fetches only what a diagnosis reads', () => {
    const available = ['val-core/openai/gsm8k/acc/mean@1', 'actor/entropy', 'perf/mfu/actor', 'critic/score/mean'];
    expect(keysToFetch(available).sort()).toEqual(
      ['actor/entropy', 'critic/score/mean', 'val-core/openai/gsm8k/acc/mean@1'].sort(),
    );
    const series = Object.fromEntries(available.map((k) => [k, seriesOf([1, 2], () => 0.5)]));
    expect(resolveQuantity(series, 'evalAcc')?.key).toBe('val-core/openai/gsm8k/acc/mean@1');
  });
});

describe('clip settings', () => {
  it('reads a local config, with updates per rollout = epochs x minibatches', () => {
    const config = runConfigSchema.parse({
      objective: { clipLow: 0.1, clipHigh: 'inf' },
      optim: { epochs: 2, minibatches: 4 },
    });
    const s = clipSettingsFromConfig(config);
    expect(s).toMatchObject({
      clipLow: 0.1,
      clipHigh: null,
      clipHighOff: true,
      updatesPerRollout: 8,
      rewardKind: 'verifier',
    });
  });

  it('reads verl params, nested or dotted, falling back to clip_ratio for a null side', () => {
    const nested = {
      actor_rollout_ref: { actor: { clip_ratio: 0.2, clip_ratio_low: null, clip_ratio_high: 0.28, clip_ratio_c: 3 } },
    };
    expect(clipSettingsFromParams(nested)).toMatchObject({
      clipLow: 0.2,
      clipHigh: 0.28,
      clipHighOff: false,
      dualClip: 3,
    });
    const dotted = { 'actor_rollout_ref.actor.clip_ratio_low': 0.1, 'actor_rollout_ref.actor.clip_ratio_high': '0.3' };
    const s = clipSettingsFromParams(dotted);
    expect(s).toMatchObject({ clipLow: 0.1, clipHigh: 0.3 });
    expect(s.sources.clipLow).toBe('actor_rollout_ref.actor.clip_ratio_low');
  });

  it('reads TRL (epsilon_high None = same as epsilon) and OpenRLHF pairs', () => {
    expect(clipSettingsFromParams({ epsilon: 0.2, epsilon_high: null })).toMatchObject({ clipLow: 0.2, clipHigh: 0.2 });
    expect(clipSettingsFromParams({ epsilon: 0.2, epsilon_high: 0.28 })).toMatchObject({
      clipLow: 0.2,
      clipHigh: 0.28,
    });
    expect(clipSettingsFromParams({ actor: { eps_clip_low_high: [0.1, 0.3] } })).toMatchObject({
      clipLow: 0.1,
      clipHigh: 0.3,
    });
    expect(clipSettingsFromParams({ epsilon: 0.1, epsilon_high: 'inf' })).toMatchObject({
      clipHigh: null,
      clipHighOff: true,
    });
  });

  it('leaves unknown settings null rather than assuming defaults', () => {
    expect(clipSettingsFromParams({ learning_rate: 1e-6 })).toMatchObject({ clipLow: null, clipHigh: null, lr: 1e-6 });
  });
});
