/**
 * The Runs table's fitting and layout rules without a browser: which part of a name stays in view,
 * how many tags fit, and the columns' widths, visibility and sort as remembered in localStorage.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { fitTags, nameParts } from '../../../src-renderer/views/runs/cell-fit';
import { ACTIONS_WIDTH, MAX_WIDTH, MIN_WIDTH, TableLayout } from '../../../src-renderer/views/runs/table-layout.svelte';

afterEach(() => localStorage.clear());

const tailOf = (names: string[]) => {
  const parts = nameParts(names);
  return names.map((n) => parts.get(n)!.tail);
};

describe('nameParts', () => {
  it('keeps the differing word with its label: seeds, exponents and a name that is another’s start', () => {
    const base = 'gsm8k grpo clipLow=0.2 clipHigh=0.28 lr=1e-6';
    expect(tailOf([`${base} seed 1`, `${base} seed 2`, `${base} seed 13`])).toEqual(['seed 1', 'seed 2', 'seed 13']);
    // `1e-6` against `1e-5`: the minus of an exponent does not start a word.
    expect(tailOf(['sweep lr=1e-6', 'sweep lr=1e-5'])).toEqual(['lr=1e-6', 'lr=1e-5']);
    expect(tailOf(['verl_run/seed1', 'verl_run/seed2'])).toEqual(['seed1', 'seed2']);
    // `run` is all shared with `run 2`: its last word is its own; a number keeps its label.
    expect(tailOf(['run', 'run 2'])).toEqual(['run', 'run 2']);
  });

  it('has an empty head for a name unlike any other, and head + tail is always the name', () => {
    const names = ['tabular symmetric', 'hanlindu_verl_gsm8k_grpo', 'tabular symmetric · control p=0.4375'];
    const parts = nameParts(names);
    expect(parts.get('hanlindu_verl_gsm8k_grpo')).toEqual({ head: '', tail: 'hanlindu_verl_gsm8k_grpo' });
    for (const n of names) expect(parts.get(n)!.head + parts.get(n)!.tail).toBe(n);
    expect(parts.get(names[2])!.tail).toBe('control p=0.4375');
  });
});

describe('fitTags', () => {
  const tags = ['paper', 'figure-2', 'eps-low-ablation', 'long-horizon', 'x'];

  it('shows whole tags on up to two lines and counts the rest', () => {
    const fitted = fitTags(tags, 116);
    expect(fitted.shown.length).toBeGreaterThan(0);
    expect([...fitted.shown, ...fitted.hidden]).toEqual(tags);
    expect(fitTags(tags, 2000)).toEqual({ shown: tags, hidden: [] });
    expect(fitTags(tags, 116, 1).shown.length).toBeLessThan(fitted.shown.length);
  });

  it('always shows one tag, however narrow the column', () => {
    expect(fitTags(['a-very-long-tag-name'], 20)).toEqual({ shown: ['a-very-long-tag-name'], hidden: [] });
    expect(fitTags([], 100)).toEqual({ shown: [], hidden: [] });
  });
});

describe('TableLayout', () => {
  it('gives the name the room the other columns leave, never less than its own width', () => {
    const layout = new TableLayout();
    const others = layout.shown.filter((c) => c.id !== 'name').reduce((sum, c) => sum + c.width, 0);
    expect(layout.drawnWidths(others + ACTIONS_WIDTH + 500).get('name')).toBe(500);
    expect(layout.drawnWidths(0).get('name')).toBe(layout.width('name'));
  });

  it('clamps widths, hides columns but never the name, and remembers it all', () => {
    const layout = new TableLayout();
    expect(layout.isShown('backend')).toBe(false);
    layout.setShown('backend', true);
    layout.setShown('tags', false);
    layout.setShown('name', false);
    layout.setWidth('status', 5);
    layout.setWidth('task', 10_000);
    layout.sort = { column: 'entropy', direction: 'asc' };

    const again = new TableLayout();
    expect(again.isShown('backend')).toBe(true);
    expect(again.isShown('tags')).toBe(false);
    expect(again.isShown('name')).toBe(true);
    expect([again.width('status'), again.width('task')]).toEqual([MIN_WIDTH, MAX_WIDTH]);
    expect(again.sort).toEqual({ column: 'entropy', direction: 'asc' });

    again.reset();
    expect(again.isShown('backend')).toBe(false);
    expect(again.isDefaultWidth('status')).toBe(true);
    expect(again.sort).toEqual({ column: 'entropy', direction: 'asc' });
  });

  it('ignores a stored layout that does not parse', () => {
    localStorage.setItem('cliplab.runs.table', JSON.stringify({ hidden: ['nope'], widths: {}, sort: {} }));
    expect(new TableLayout().isShown('backend')).toBe(false);
    localStorage.setItem('cliplab.runs.table', '{not json');
    expect(new TableLayout().sort.column).toBeTruthy();
  });
});
