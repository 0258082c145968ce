/** The config diff shows exactly the keys whose values differ, per run or per seed group. */
import { cleanup, render, screen, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { presetConfig, type FigureRunInput, type RunConfig } from '../../../src-main/contract';
import ConfigDiff from '../../../src-renderer/components/compare/ConfigDiff.svelte';
import { diffColumns } from '../../../src-renderer/components/compare/diff';
import { localRun } from '../../support/run-records';

afterEach(() => cleanup());

function input(id: number, change: (c: RunConfig) => RunConfig): FigureRunInput {
  const record = localRun(id);
  const config = change({ ...presetConfig('tabular-random-sym'), name: `run ${id}`, seed: 1 });
  return {
    run: { ...record, config, seed: config.seed, groupKey: `${config.objective.clipLow}`.padEnd(16, '0') },
    series: [],
  };
}

const rowKeys = () => screen.queryAllByRole('row').flatMap((r) => r.getAttribute('data-key') ?? []);

describe('ConfigDiff', () => {
  it('lists only the keys that differ, with each run’s value', () => {
    const runs = [
      input(1, (c) => c),
      input(2, (c) => ({ ...c, objective: { ...c.objective, clipLow: 0.1, clipHigh: null } })),
      input(3, (c) => ({ ...c, optim: { ...c.optim, lr: 50 }, objective: { ...c.objective, clipLow: 0.1 } })),
    ];
    render(ConfigDiff, { props: { columns: diffColumns(runs, false) } });
    expect(rowKeys()).toEqual(['objective.clipLow', 'objective.clipHigh', 'optim.lr']);
    const cells = (key: string) =>
      within(document.querySelector(`tr[data-key="${key}"]`) as HTMLElement).getAllByRole('cell');
    expect(cells('objective.clipLow').map((c) => c.textContent)).toEqual(['0.2', '0.1', '0.1']);
    expect(cells('objective.clipHigh').map((c) => c.textContent)).toEqual(['0.2', 'off', '0.2']);
    expect(cells('optim.lr').map((c) => c.textContent)).toEqual(['100', '100', '50']);
    // Columns are named by what sets them apart, and say which run they are.
    const heads = screen.getAllByRole('columnheader').map((h) => h.textContent?.replace(/\s+/g, ' ').trim());
    expect(heads[1]).toBe('clipLow=0.2, clipHigh=0.2, lr=100 run 1 #1');
  });

  it('ignores names, and seeds when grouping by seed group', () => {
    const seeds = [1, 2, 3].map((seed) => input(seed, (c) => ({ ...c, seed })));
    const other = input(4, (c) => ({ ...c, seed: 1, objective: { ...c.objective, clipLow: 0.1 } }));
    render(ConfigDiff, { props: { columns: diffColumns([...seeds, other], false) } });
    expect(rowKeys()).toEqual(['seed', 'objective.clipLow']);
    cleanup();

    render(ConfigDiff, { props: { columns: diffColumns([...seeds, other], true) } });
    expect(rowKeys()).toEqual(['objective.clipLow']);
    expect(screen.getByText('3 seeds: #1, #2, #3')).toBeTruthy();
  });

  it('says so when nothing differs', () => {
    render(ConfigDiff, {
      props: { columns: diffColumns([input(1, (c) => c), input(2, (c) => ({ ...c, name: 'x' }))], false) },
    });
    expect(rowKeys()).toEqual([]);
    expect(screen.getByText(/The configs are identical/)).toBeTruthy();
  });
});
