import { describe, expect, it } from 'vitest';
import { diagnosisOptionsSchema } from '../../../src-main/contract/diagnostics';
import { diagnoseClipBalance } from '../../../src-main/lab/diagnostics/clip-balance';
import { KeyResolver, type SeriesByKey } from '../../../src-main/lab/diagnostics/keys';
import { unknownClipSettings } from '../../../src-main/lab/diagnostics/settings';
import { seriesOf, stepsFrom } from './synthetic';

const options = diagnosisOptionsSchema.parse({ window: 10 });
const clipOf = (series: SeriesByKey, aliases: Record<string, string> = {}) =>
  diagnoseClipBalance(new KeyResolver(series, aliases), unknownClipSettings(), options);
const steps = stepsFrom(1, 40);

describe('clip balance', () => {
  it('sums each side’s drift, takes their ratio and finds the dominant side', () => {
    const clip = clipOf({
      'clip/low_drift': seriesOf(steps, () => 0.01),
      'clip/high_drift': seriesOf(steps, () => -0.041),
      'clip/low_frac': seriesOf(steps, (s) => (s <= 30 ? 0.01 : 0.02)),
      'clip/high_frac': seriesOf(steps, () => 0.04),
      'clip/low_surprisal_gap': seriesOf(steps, () => 1.1),
      'clip/high_surprisal_gap': seriesOf(steps, () => 0.9),
    });
    expect(clip.attribution).toBe('per-side');
    expect(clip.drift?.lowCum).toBeCloseTo(0.4, 12);
    expect(clip.drift?.highCum).toBeCloseTo(-1.64, 12);
    expect(clip.drift?.netCum).toBeCloseTo(-1.24, 12);
    expect(clip.drift?.highToLow).toBeCloseTo(4.1, 12);
    expect(clip.drift?.dominant).toBe('clip-high');
    expect(clip.drift?.dominantSince).toBe(1);
    expect(clip.lowFrac).toMatchObject({ key: 'clip/low_frac', max: 0.02 });
    expect(clip.lowFrac?.recent).toBeCloseTo(0.02, 12);
    expect(clip.lowFrac?.mean).toBeCloseTo(0.0125, 12);
    expect(clip.highGap?.mean).toBeCloseTo(0.9, 12);
    expect(clip.clippingActive).toBe(true);
    expect(clip.summary).toContain('clip-high dominates (4.1×');
  });

  it('dates the dominance from the step after which the cumulative lead no longer changes hands', () => {
    // clip-low leads early (+0.05/step, clip-high -0.01), then clip-high takes over from step 11 on:
    // cumulative low = 0.5 + 0.01 (s - 10), high = -0.1 - 0.08 (s - 10); |high| > |low| first at s = 16.
    const clip = clipOf({
      'clip/low_drift': seriesOf(steps, (s) => (s <= 10 ? 0.05 : 0.01)),
      'clip/high_drift': seriesOf(steps, (s) => (s <= 10 ? -0.01 : -0.08)),
    });
    const d = clip.drift!;
    expect(d.dominant).toBe('clip-high');
    expect(d.dominantSince).toBe(16);
    expect(Math.abs(d.cumulative.high[14])).toBeLessThan(d.cumulative.low[14]);
    expect(Math.abs(d.cumulative.high[15])).toBeGreaterThan(d.cumulative.low[15]);
    expect(clip.summary).toContain('since step 16');
  });

  it('reports an undefined ratio, not Infinity, when clip-low never acted', () => {
    const clip = clipOf({
      'clip/low_drift': seriesOf(steps, () => 0),
      'clip/high_drift': seriesOf(steps, () => -0.02),
    });
    expect(clip.drift?.highToLow).toBeNull();
    expect(clip.drift?.dominant).toBe('clip-high');
    expect(JSON.parse(JSON.stringify(clip))).toEqual(clip);
  });

  it('says "combined only; cannot attribute" for a verl key set, and what pg_clipfrac_lower means', () => {
    // As a verl import (vanilla loss) stores it: the file's keys, and the dual-clip alias beside its key.
    const lower = seriesOf(steps, () => 0.001);
    const clip = clipOf(
      {
        'actor/entropy': seriesOf(steps, () => 1),
        'actor/pg_clipfrac': seriesOf(steps, () => 0.012),
        'actor/pg_clipfrac_lower': lower,
        'clip/dual_frac': lower,
        'actor/ppo_kl': seriesOf(steps, () => 0.002),
      },
      { 'clip/dual_frac': 'actor/pg_clipfrac_lower' },
    );
    expect(clip.attribution).toBe('combined-only');
    expect(clip.summary).toMatch(/^combined only; cannot attribute: "actor\/pg_clipfrac"/);
    expect(clip.drift).toBeNull();
    expect(clip.lowFrac).toBeNull();
    expect(clip.highFrac).toBeNull();
    expect(clip.combinedFrac?.mean).toBeCloseTo(0.012, 12);
    expect(clip.dualFrac?.key).toBe('clip/dual_frac');
    expect(clip.notes.join('\n')).toContain('"actor/pg_clipfrac_lower" counts dual-clip events');
  });

  it('says the same for OpenRLHF’s combined ratio', () => {
    const clip = clipOf({ 'train/ppo_clip_ratio': seriesOf(steps, () => 0.03) });
    expect(clip.attribution).toBe('combined-only');
    expect(clip.summary).toContain('"train/ppo_clip_ratio" counts clip-low and clip-high together');
  });

  it('attributes TRL’s per-side clip ratios, noting that no drift was logged', () => {
    const clip = clipOf({
      'clip_ratio/low_mean': seriesOf(steps, () => 0.003),
      'clip_ratio/high_mean': seriesOf(steps, () => 0.011),
      'clip_ratio/region_mean': seriesOf(steps, () => 0.014),
    });
    expect(clip.attribution).toBe('per-side');
    expect(clip.lowFrac?.key).toBe('clip_ratio/low_mean');
    expect(clip.highFrac?.key).toBe('clip_ratio/high_mean');
    expect(clip.drift).toBeNull();
    expect(clip.summary).toContain('drift not logged');
  });

  it('flags clipping that never happened, and says when nothing was logged', () => {
    const idle = clipOf({ 'clip/low_frac': seriesOf(steps, () => 0), 'clip/high_frac': seriesOf(steps, () => 0) });
    expect(idle.clippingActive).toBe(false);
    const none = clipOf({ entropy: seriesOf(steps, () => 1) });
    expect(none).toMatchObject({ attribution: 'none', clippingActive: null, summary: 'no clip metrics logged' });
  });
});
