import { describe, expect, it } from 'vitest';
import {
  figureFileStem,
  figureSizeInches,
  figureSizePoints,
  figureSpecSchema,
  validateWith,
} from '../../../src-main/contract';

const errorsOf = (input: unknown) => {
  const v = validateWith(figureSpecSchema, input);
  return v.ok ? [] : v.errors;
};

describe('figure spec', () => {
  it('fills paper defaults', () => {
    const spec = figureSpecSchema.parse({ runs: [1], metrics: ['entropy'] });
    expect(spec).toMatchObject({
      version: 1,
      layout: 'panels',
      xAxis: 'step',
      smoothing: 0.6,
      band: 'std',
      style: 'paper',
      legend: 'top',
      palette: 'okabe-ito',
      size: { width: 'single', height: null, aspect: 1.5 },
      dpi: 300,
    });
  });

  it('sizes single and double columns and derives the height from the aspect and panels', () => {
    const one = figureSpecSchema.parse({ runs: [1], metrics: ['entropy'] });
    expect(figureSizeInches(one)).toEqual({ width: 3.25, height: 3.25 / 1.5 });
    expect(figureSizePoints(one).width).toBe(234);
    const two = figureSpecSchema.parse({ runs: [1], metrics: ['entropy', 'kl/ppo'], size: { width: 'double' } });
    expect(figureSizeInches(two)).toEqual({ width: 6.75, height: (6.75 / 1.5) * 1.6 });
    const overlay = figureSpecSchema.parse({ runs: [1], metrics: ['entropy', 'kl/ppo'], layout: 'overlay' });
    expect(figureSizeInches(overlay).height).toBe(3.25 / 1.5);
    const custom = figureSpecSchema.parse({ runs: [1], metrics: ['entropy'], size: { width: 5, height: 2 } });
    expect(figureSizeInches(custom)).toEqual({ width: 5, height: 2 });
  });

  it('names the bad field and what was expected', () => {
    expect(errorsOf({ metrics: ['entropy'] })).toEqual([
      { path: 'runs', message: 'expected at least one run id, or a group key in groups' },
    ]);
    expect(errorsOf({ runs: [1], metrics: [] })[0]).toMatchObject({ path: 'metrics' });
    expect(errorsOf({ runs: [1], metrics: ['entropy'], smoothing: 1 })[0]).toMatchObject({ path: 'smoothing' });
    expect(errorsOf({ runs: [1], metrics: ['entropy'], steps: { from: 9, to: 3 } })[0]).toMatchObject({
      path: 'steps.to',
    });
    expect(errorsOf({ runs: [1], metrics: ['entropy'], groups: ['xyz'] })[0]).toMatchObject({ path: 'groups[0]' });
    expect(errorsOf({ runs: [1], metrics: ['entropy'], logY: true, yMin: 0 })[0]).toMatchObject({ path: 'yMin' });
    expect(errorsOf({ runs: [1], metrics: ['entropy'], colour: 'red' })[0].message).toMatch(/unknown key "colour"/);
  });

  it('makes file names from the title or the metrics', () => {
    expect(figureFileStem({ title: 'Entropy: PPO vs. DAPO!', metrics: ['entropy'] })).toBe('entropy-ppo-vs-dapo');
    expect(figureFileStem({ title: null, metrics: ['entropy', 'clip/high_frac'] })).toBe('entropy-clip-high-frac');
  });
});
