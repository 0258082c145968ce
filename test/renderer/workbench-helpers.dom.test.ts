import { describe, expect, it } from 'vitest';
import { MAX_SWEEP_RUNS, presetConfig } from '../../src-main/contract';
import { rangeText } from '../../src-renderer/components/config-form/field-text';
import { nameInGroup, sharedName } from '../../src-renderer/views/runs/table-model';
import { entropyColor, entropyScaleMax } from '../../src-renderer/components/samples/entropy-scale';
import { invalidCombination, parseValueList, planSweep } from '../../src-renderer/components/sweep/sweep';
import { hashQuery, runIdFromHash } from '../../src-renderer/lib/router.svelte';
import { newRunHref, parseNewRunQuery } from '../../src-renderer/views/new-run/query';

describe('run route', () => {
  it('reads the run id of #/run/<id> and nothing else', () => {
    expect(runIdFromHash('#/run/12')).toBe(12);
    expect(runIdFromHash('#run/3?x=1')).toBe(3);
    expect(runIdFromHash('#/runs')).toBeNull();
    expect(runIdFromHash('#/run/abc')).toBeNull();
    expect(hashQuery('#/compare?runs=1,2').get('runs')).toBe('1,2');
    expect(hashQuery('#/new').toString()).toBe('');
  });
});

describe('New run links', () => {
  it('round-trip a prefilled sweep through the hash', () => {
    const href = newRunHref({
      from: 12,
      seeds: 3,
      grid: { 'objective.clipLow': [0.1, 0.167], 'objective.clipHigh': [null, 0.2] },
    });
    expect(href.startsWith('#/new?')).toBe(true);
    expect(parseNewRunQuery(hashQuery(href))).toEqual({
      preset: null,
      from: 12,
      seeds: 3,
      grid: [
        { path: 'objective.clipLow', text: '0.1,0.167' },
        { path: 'objective.clipHigh', text: 'off,0.2' },
      ],
    });
    expect(newRunHref({})).toBe('#/new');
    expect(parseNewRunQuery(new URLSearchParams('from=-2&seeds=0'))).toMatchObject({ from: null, seeds: null });
  });
});

describe('sweep values', () => {
  it('parses lists, linear and geometric ranges, and off', () => {
    expect(parseValueList('0.05, 0.1 0.2')).toEqual({ ok: true, values: [0.05, 0.1, 0.2] });
    expect(parseValueList('0.1:0.3:0.1')).toEqual({ ok: true, values: [0.1, 0.2, 0.3] });
    expect(parseValueList('1e-4:1e-2:x10')).toEqual({ ok: true, values: [1e-4, 1e-3, 1e-2] });
    expect(parseValueList('0.2, off, inf, 0.2')).toEqual({ ok: true, values: [0.2, null] });
    expect(parseValueList('')).toMatchObject({ ok: false });
    expect(parseValueList('0.3:0.1:0.1')).toMatchObject({
      ok: false,
      message: expect.stringContaining('start ≤ stop'),
    });
    expect(parseValueList('abc')).toMatchObject({ ok: false, message: expect.stringContaining('"abc"') });
    expect(parseValueList('0:1000:1')).toMatchObject({ ok: false, message: expect.stringContaining('at most') });
  });

  it('counts runs as values × values × seeds (× 2 with controls) and finds a bad combination', () => {
    const rows = [
      { path: 'objective.clipLow', text: '0.1, 0.2' },
      { path: 'objective.clipHigh', text: '0.2, 0.28, off' },
      { path: '', text: 'ignored' },
    ];
    const plan = planSweep(rows, 3, true);
    expect([plan.points, plan.total, plan.tooMany]).toEqual([6, 36, false]);
    expect(planSweep([...rows, { path: 'objective.clipLow', text: '0.3' }], 1, false).rowErrors).toEqual({
      3: 'objective.clipLow is already swept above',
    });
    const big = planSweep(
      [
        { path: 'optim.lr', text: '1:40:1' },
        { path: 'rollout.prompts', text: '1:30:1' },
      ],
      1,
      false,
    );
    expect(big.total).toBe(1200);
    expect(big.tooMany).toBe(big.total > MAX_SWEEP_RUNS);
    expect(big.tooMany).toBe(true);
    const base = presetConfig('tabular-random-sym');
    expect(invalidCombination(base, plan.grid)).toBeNull();
    const bad = invalidCombination(base, { 'objective.clipLow': [0.5, 1.5] });
    expect(bad?.combo).toEqual({ 'objective.clipLow': 1.5 });
    expect(bad?.errors[0].path).toBe('objective.clipLow');
  });
});

describe('small readouts', () => {
  it('names seed groups by what their names share and rows by what differs', () => {
    expect(sharedName(['sweep clipLow=0.1 seed 1', 'sweep clipLow=0.1 seed 2'])).toBe('sweep clipLow=0.1');
    expect(sharedName(['alpha', 'beta'])).toBe('alpha');
    expect(nameInGroup('sweep clipLow=0.1 seed 2', 'sweep clipLow=0.1')).toBe('… seed 2');
    expect(nameInGroup('other', 'sweep')).toBe('other');
  });

  it('states a number field’s range the way the schema checks it', () => {
    const bound = (value: number, inclusive: boolean) => ({ value, inclusive });
    expect(rangeText({ integer: false, min: bound(0, true), max: bound(1, true) })).toBe('0 – 1');
    expect(rangeText({ integer: false, min: bound(0, false), max: null })).toBe('> 0');
    expect(rangeText({ integer: true, min: bound(1, true), max: bound(2 ** 31 - 1, true) })).toBe('≥ 1, integer');
    expect(rangeText({ integer: false, min: bound(0, true), max: bound(1, false) })).toBe('0 – < 1');
  });

  it('colours tokens from pale to deep as entropy rises, with light text on deep colours', () => {
    const max = entropyScaleMax(64, 0);
    expect(max).toBeCloseTo(Math.log(64), 12);
    expect(entropyColor(0, max)).toEqual({ background: '#fff7d6', text: '#1b2027' });
    expect(entropyColor(max, max)).toEqual({ background: '#6e106e', text: '#ffffff' });
    expect(entropyColor(2 * max, max)).toEqual(entropyColor(max, max));
    expect(entropyScaleMax(null, 1.3)).toBe(1.5);
  });
});
