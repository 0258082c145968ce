import { describe, expect, it } from 'vitest';
import {
  applyOverrides,
  configLeaves,
  expandGrid,
  gridSize,
  mergeConfig,
  parseAssignment,
  parseValueText,
  presetConfig,
  setConfigPath,
  typedValueAt,
  type ConfigOverride,
} from '../../src-main/contract';

const set = (...texts: string[]): ConfigOverride[] => texts.map(parseAssignment);

function applied(base: unknown, ...texts: string[]) {
  const result = applyOverrides(base, set(...texts));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

function errorsOf(base: unknown, ...texts: string[]) {
  const result = applyOverrides(base, set(...texts));
  if (result.ok) throw new Error('expected errors');
  return result.errors;
}

describe('command-line values', () => {
  it('reads JSON, numbers, null and the "no bound" words', () => {
    expect(parseValueText('0.2')).toBe(0.2);
    expect(parseValueText('.5')).toBe(0.5);
    expect(parseValueText('1e-4')).toBe(1e-4);
    expect(parseValueText('true')).toBe(true);
    expect(parseValueText('null')).toBe(null);
    expect(parseValueText('none')).toBe(null);
    expect(parseValueText('inf')).toBe('inf');
    expect(parseValueText('"quoted"')).toBe('quoted');
    expect(parseValueText('[1,2]')).toEqual([1, 2]);
    expect(parseValueText('bare')).toBe('bare');
  });

  it('switches a clip off with "off", and still reads the older spellings (issue 14)', () => {
    const base = presetConfig('tabular-random-sym');
    const off = applied(
      base,
      'objective.clipHigh=off',
      'objective.clipLow=off',
      'objective.dualClip=off',
      'optim.gradClip=off',
    );
    expect(off.objective).toMatchObject({ clipHigh: null, clipLow: 1, dualClip: null });
    expect(off.optim.gradClip).toBeNull();
    for (const word of ['none', 'inf', 'null', 'OFF', 'Infinity']) {
      expect(applied(base, `objective.clipHigh=${word}`).objective.clipHigh, word).toBeNull();
    }
    expect(applied(base, 'objective.clipLow=none').objective.clipLow).toBe(1);
    // A JSON config file may say so too.
    expect(mergeConfig(base, { objective: { clipHigh: 'off', clipLow: 'off' } })).toMatchObject({
      ok: true,
      value: { objective: { clipHigh: null, clipLow: 1 } },
    });
  });

  it('splits key=value at the first "=" and refuses text without one', () => {
    expect(parseAssignment('name=a=b')).toEqual({ path: 'name', raw: 'a=b' });
    expect(() => parseAssignment('steps')).toThrow(/expected key=value/);
    expect(() => parseAssignment('=3')).toThrow(/expected key=value/);
  });
});

describe('--set by dotted path', () => {
  const base = presetConfig('gpt-random-sym');

  it('sets any key, typed by the field it lands on', () => {
    const c = applied(base, 'objective.clipHigh=inf', 'policy.base.labelNoise=0.2', 'steps=7', 'name=123');
    expect(c.objective.clipHigh).toBeNull();
    expect(c.policy.kind === 'gpt' && c.policy.base.labelNoise).toBe(0.2);
    expect(c.steps).toBe(7);
    expect(c.name).toBe('123');
    expect(applied(base, 'objective.dualClip=3', 'optim.gradClip=none').optim.gradClip).toBeNull();
  });

  it('starts from the defaults when no base is given', () => {
    const c = applied({}, 'task.size=4', 'policy.base.steps=10');
    expect(c.task).toEqual({ kind: 'add', size: 4, seed: 7 });
    expect(c.policy.kind === 'gpt' && c.policy.base.steps).toBe(10);
  });

  it('switching a kind keeps only the keys the new kind has', () => {
    const tabular = presetConfig('tabular-random-sym');
    const c = applied(tabular, 'task.kind=sort', 'policy.kind=gpt', 'task.size=4');
    expect(c.task).toEqual({ kind: 'sort', size: 4, seed: tabular.task.seed });
    expect(c.policy.kind).toBe('gpt');
    expect(applied(base, 'reward.kind=gaussian').reward).toEqual({ kind: 'gaussian', mean: 0, std: 1 });
  });

  it('names unknown keys with the keys that exist there', () => {
    expect(errorsOf(base, 'objective.clipHihg=0.3')).toEqual([
      {
        path: 'objective.clipHihg',
        message: expect.stringMatching(/unknown key; expected one of loss, clipLow, clipHigh/),
      },
    ]);
    const [e] = errorsOf(base, 'task.prompts=3');
    expect(e.path).toBe('task.prompts');
    expect(e.message).toMatch(/for task.kind "add"; expected one of kind, size, seed/);
    expect(errorsOf(base, 'foo=1')[0].message).toMatch(/expected one of name, seed, steps/);
    expect(errorsOf(base, 'steps.x=1')[0]).toEqual({ path: 'steps', message: expect.stringMatching(/no key "x"/) });
    expect(errorsOf(base, 'a..b=1')[0].message).toMatch(/dotted config path/);
  });

  it('names bad values with what was expected, after every override is applied', () => {
    // In words for people: what to enter, and what was entered (issue 14).
    expect(errorsOf(base, 'objective.clipLow=5')).toEqual([
      { path: 'objective.clipLow', message: 'expected a number from 0 to 1, or off (= 1) for no lower clip, got 5' },
    ]);
    expect(errorsOf(base, 'steps=0')[0].message).toBe('expected a number no smaller than 1, got 0');
    expect(errorsOf(base, 'steps=2.5')[0].message).toBe('expected a whole number, got 2.5');
    expect(errorsOf(base, 'steps=2O')[0].message).toBe('expected a number, got "2O"');
    expect(errorsOf(base, 'task.kind=nope')[0]).toEqual({
      path: 'task.kind',
      message: expect.stringMatching(/expected one of/),
    });
    expect(errorsOf(base, 'optim.lr=fast')[0]).toEqual({
      path: 'optim.lr',
      message: 'expected a number, got "fast"',
    });
    // The cross-field rules still apply: a sequence task needs the GPT policy.
    expect(errorsOf(presetConfig('tabular-random-sym'), 'task.kind=sort')).toContainEqual({
      path: 'policy.kind',
      message: expect.stringMatching(/expected "gpt"/),
    });
  });

  it('never changes the object it is given', () => {
    const before = JSON.stringify(base);
    setConfigPath(base, { path: 'objective.clipLow', value: 0.1 });
    expect(JSON.stringify(base)).toBe(before);
  });

  it('types grid text like --set would', () => {
    expect(typedValueAt(base, 'objective.clipHigh', 'none')).toBeNull();
    expect(typedValueAt(base, 'task.kind', 'sort')).toBe('sort');
    expect(typedValueAt(base, 'optim.lr', '3e-4')).toBe(3e-4);
  });
});

describe('merging and grids', () => {
  it('merges a partial config key by key, kinds first', () => {
    const leaves = configLeaves({ task: { size: 2, kind: 'reverse' }, objective: { clipHigh: null } });
    expect(leaves.map((l) => l.path)).toEqual(['task.kind', 'task.size', 'objective.clipHigh']);
    const merged = mergeConfig(presetConfig('gpt-random-sym'), { task: { size: 2, kind: 'reverse' } });
    expect(merged.ok && merged.value.task).toEqual({ kind: 'reverse', size: 2, seed: 7 });
    expect(mergeConfig({}, [1]).ok).toBe(false);
  });

  it('expands a grid into every combination, first key slowest', () => {
    const grid = { 'objective.clipLow': [0.1, 0.2], 'objective.clipHigh': [0.2, null, 0.28] };
    const points = expandGrid(grid);
    expect(points).toHaveLength(gridSize(grid));
    expect(points[0]).toEqual({ 'objective.clipLow': 0.1, 'objective.clipHigh': 0.2 });
    expect(points[3]).toEqual({ 'objective.clipLow': 0.2, 'objective.clipHigh': 0.2 });
    expect(expandGrid({})).toEqual([{}]);
    expect(() => expandGrid({ steps: [] })).toThrow(/at least one value/);
  });
});
