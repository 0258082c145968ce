/**
 * The sweep heatmap: found only for a two-key numeric sweep, each cell the mean of its runs' final
 * values with n, coloured on viridis or cividis with readable text.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { presetConfig, type FigureRunInput } from '../../../src-main/contract';
import SweepHeatmap from '../../../src-renderer/components/compare/SweepHeatmap.svelte';
import { colormapRgb, textColorOn } from '../../../src-renderer/components/compare/colormap';
import { sweepAxes, sweepHeatmap } from '../../../src-renderer/components/compare/heatmap';
import { localRun } from '../../support/run-records';

afterEach(() => cleanup());

let nextId = 1;

/** A run of the sweep whose entropy ends at `final` (and accuracy at 1 - final / 10). */
function sweepRun(clipLow: number, clipHigh: number | null, seed: number, final: number): FigureRunInput {
  const base = presetConfig('tabular-random-sym');
  const config = { ...base, name: `s${seed}`, seed, objective: { ...base.objective, clipLow, clipHigh } };
  const id = nextId++;
  const steps = [0, 1, 2];
  return {
    run: { ...localRun(id), config, seed },
    series: [
      { key: 'entropy', steps, values: [2.5, null, final], times: [0, 1, 2] },
      { key: 'eval/acc', steps, values: [0.1, 0.2, 1 - final / 10], times: [0, 1, 2] },
    ],
  };
}

const grid = () => [
  sweepRun(0.2, 0.2, 1, 0.2),
  sweepRun(0.2, 0.2, 2, 0.4),
  sweepRun(0.1, 0.2, 1, 1.0),
  sweepRun(0.2, null, 1, 2.0),
  sweepRun(0.1, null, 1, 2.6),
  sweepRun(0.1, null, 2, 3.0),
];

describe('sweep heatmap', () => {
  it('finds the two swept keys, seeds aside, and nothing for other selections', () => {
    expect(sweepAxes(grid())).toEqual({ x: 'objective.clipLow', y: 'objective.clipHigh' });
    // Two runs differing in two keys cover two cells: a pair, not a sweep.
    expect(sweepAxes([sweepRun(0.2, 0.2, 1, 1), sweepRun(0.1, null, 1, 1)])).toBeNull();
    // One swept key only.
    expect(sweepAxes([sweepRun(0.2, 0.2, 1, 1), sweepRun(0.1, 0.2, 1, 1), sweepRun(0.05, 0.2, 1, 1)])).toBeNull();
  });

  it('averages each cell’s final values over its seeds, with n, and labels off as off', () => {
    const runs = grid();
    const map = sweepHeatmap(runs, sweepAxes(runs)!, 'entropy');
    expect(map.xValues).toEqual([0.1, 0.2]);
    expect(map.yValues).toEqual([0.2, null]);
    render(SweepHeatmap, { props: { heatmap: map, metrics: ['entropy', 'eval/acc'], metric: 'entropy' } });
    const cell = (x: string, y: string) =>
      document.querySelector(`td.cell[data-x="${x}"][data-y="${y}"]`) as HTMLElement;
    expect(cell('0.2', '0.2').textContent).toMatch(/^\s*0\.3\s*n = 2\s*$/);
    expect(cell('0.1', '0.2').textContent).toMatch(/^\s*1\s*n = 1\s*$/);
    expect(cell('0.2', 'off').textContent).toMatch(/^\s*2\s*n = 1\s*$/);
    expect(cell('0.1', 'off').textContent).toMatch(/^\s*2\.8\s*n = 2\s*$/);
    // Lowest cell darkest (viridis starts dark purple) with white text; highest yellow with black text.
    expect(cell('0.2', '0.2').style.backgroundColor).toBe(`rgb(${colormapRgb('viridis', 0).join(', ')})`);
    expect(cell('0.2', '0.2').style.color).toBe('rgb(255, 255, 255)');
    expect(cell('0.1', 'off').style.backgroundColor).toBe(`rgb(${colormapRgb('viridis', 1).join(', ')})`);
    expect(cell('0.1', 'off').style.color).toBe('rgb(0, 0, 0)');
    expect(screen.getByText('Sweep: final Entropy (nats)')).toBeTruthy();
  });

  it('switches the colour map', async () => {
    const runs = grid();
    render(SweepHeatmap, {
      props: {
        heatmap: sweepHeatmap(runs, sweepAxes(runs)!, 'eval/acc'),
        metrics: ['entropy', 'eval/acc'],
        metric: 'eval/acc',
      },
    });
    await fireEvent.change(screen.getByLabelText('Colours'), { target: { value: 'cividis' } });
    const top = document.querySelector('td.cell[data-x="0.2"][data-y="0.2"]') as HTMLElement;
    expect(top.style.backgroundColor).toBe(`rgb(${colormapRgb('cividis', 1).join(', ')})`);
  });

  it('keeps text readable on every colour of both maps', () => {
    for (const name of ['viridis', 'cividis'] as const) {
      for (let t = 0; t <= 1; t += 0.05) {
        const rgb = colormapRgb(name, t);
        expect(['#000000', '#ffffff']).toContain(textColorOn(rgb));
      }
    }
    expect(textColorOn(colormapRgb('viridis', 0))).toBe('#ffffff');
    expect(textColorOn(colormapRgb('cividis', 1))).toBe('#000000');
  });
});
