import { describe, expect, it } from 'vitest';
import { differingKeys, flattenConfig, legendNames, shortKeyNames } from '../../../src-main/contract';

const cfg = (clipLow: number, clipHigh: number | null, seed: number) => ({
  name: `run ${seed}`,
  seed,
  task: { kind: 'bandit', seed: 7 },
  objective: { clipLow, clipHigh, loss: 'ppo' },
  log: { samplesPerStep: seed },
});

describe('legend names from config differences', () => {
  it('flattens configs to dotted leaf keys', () => {
    expect([...flattenConfig({ a: { b: 1, c: [1, 2] }, d: null }).entries()]).toEqual([
      ['a.b', 1],
      ['a.c', [1, 2]],
      ['d', null],
    ]);
  });

  it('finds the keys that differ, ignoring names and the given keys', () => {
    const configs = [cfg(0.2, 0.2, 1), cfg(0.1, 0.2, 2), cfg(0.2, null, 3)];
    expect(differingKeys(configs, { ignore: ['name', 'log'] })).toEqual([
      'seed',
      'objective.clipLow',
      'objective.clipHigh',
    ]);
    expect(differingKeys(configs, { ignore: ['name', 'log', 'seed'] })).toEqual([
      'objective.clipLow',
      'objective.clipHigh',
    ]);
  });

  it('names each config by its differing values with short key names', () => {
    const configs = [cfg(0.2, 0.2, 1), cfg(0.1, 0.2, 1), cfg(0.2, null, 1)];
    expect(legendNames(configs, { ignore: ['name', 'log'] })).toEqual([
      'clipLow=0.2, clipHigh=0.2',
      'clipLow=0.1, clipHigh=0.2',
      'clipLow=0.2, clipHigh=off',
    ]);
  });

  it('keeps key names apart when their last parts clash', () => {
    expect(shortKeyNames(['seed', 'task.seed', 'objective.clipLow'])).toEqual(['seed', 'task.seed', 'clipLow']);
  });

  it('falls back to the given names when nothing differs, a config is missing or too much differs', () => {
    expect(legendNames([cfg(0.2, 0.2, 1), cfg(0.2, 0.2, 1)], { fallback: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(legendNames([cfg(0.2, 0.2, 1), null], { ignore: ['name', 'log'], fallback: ['a', 'b'] })).toEqual([
      'a',
      'b',
    ]);
    const wide = [
      { p: 1, q: 1, r: 1, s: 1, t: 1 },
      { p: 2, q: 2, r: 2, s: 2, t: 2 },
    ];
    expect(legendNames(wide, { fallback: ['x', 'y'] })).toEqual(['x', 'y']);
    expect(legendNames(wide, { fallback: ['x', 'y'], maxKeys: 5 })[1]).toBe('p=2, q=2, r=2, s=2, t=2');
  });
});
