import { describe, expect, it } from 'vitest';
import {
  buildChartConfig,
  buildFigureData,
  figureSpecSchema,
  PALETTES,
  withAlpha,
  type FigureChartConfig,
  type FigureSpecInput,
} from '../../../src-main/contract';
import { linearTickLabel } from '../../../src-main/contract/chart/scales';
import { syntheticRun, twoGroups } from './fixtures';

function configOf(input: FigureSpecInput, target: 'paper' | 'screen' = 'paper', inputs = twoGroups()) {
  const spec = figureSpecSchema.parse(input);
  return buildChartConfig(spec, buildFigureData(spec, inputs), { target, fontFamily: 'test-font' });
}

const datasets = (c: FigureChartConfig) => c.data.datasets;
const scale = (c: FigureChartConfig, id: string) => (c.options?.scales as Record<string, Record<string, unknown>>)[id];
const legendFilter = (c: FigureChartConfig) => c.options!.plugins!.legend!.labels!.filter!;
const legendShown = (c: FigureChartConfig) =>
  datasets(c).flatMap((d, i) => (legendFilter(c)({ datasetIndex: i } as never, c.data) ? [d.label] : []));

describe('buildChartConfig', () => {
  it('draws groups as mean lines over faint raw means and filled bands, in Okabe-Ito colours', () => {
    const c = configOf({ runs: [1, 2, 3, 4, 5, 6], groupSeeds: true, metrics: ['entropy'] });
    const ds = datasets(c);
    expect(ds.map((d) => d.label)).toEqual([
      'ε_low = 0.2',
      'ε_low = 0.1',
      'ε_low = 0.2 (raw)',
      'ε_low = 0.2 (upper)',
      'ε_low = 0.2 (lower)',
      'ε_low = 0.1 (raw)',
      'ε_low = 0.1 (upper)',
      'ε_low = 0.1 (lower)',
    ]);
    const [black, orange] = PALETTES['okabe-ito'];
    expect(ds.map((d) => d.borderColor).slice(0, 3)).toEqual([black, orange, withAlpha(black, 0.25)]);
    expect(ds[3]).toMatchObject({ fill: { target: 4 }, backgroundColor: withAlpha(black, 0.2), borderWidth: 0 });
    expect(ds[4].fill).toBe(false);
    expect(ds[6].fill).toEqual({ target: 7 });
    expect(ds.map((d) => d.order)).toEqual([0, 0, 1, 2, 2, 1, 2, 2]);
    expect(legendShown(c)).toEqual(['ε_low = 0.2', 'ε_low = 0.1']);
  });

  it('sets axes, titles and paper looks', () => {
    const c = configOf({ runs: [1, 4], metrics: ['entropy'], title: 'Entropy', logY: true, xLabel: 'Training step' });
    expect(scale(c, 'x')).toMatchObject({ type: 'linear', title: { display: true, text: 'Training step' } });
    expect(scale(c, 'y')).toMatchObject({ type: 'logarithmic', title: { display: true, text: 'Entropy (nats)' } });
    // A paper figure draws its title and legend itself (paper-legend.ts), not through Chart.js.
    expect(c.options?.plugins?.title).toMatchObject({ display: false, text: 'Entropy' });
    expect(c.options).toMatchObject({ animation: false, responsive: false, events: [], locale: 'en-US' });
    expect((scale(c, 'x').ticks as { font: { family: string; size: number } }).font).toEqual({
      family: 'test-font',
      size: 8,
    });
    expect(datasets(c)[0]).toMatchObject({ borderWidth: 1, pointRadius: 0, segment: {} });
    expect(c.plugins?.map((p) => p.id)).toEqual(['figureBackground', 'paperLegend']);
  });

  it('stacks one y axis per metric panel over the shared x axis, one legend entry per series', () => {
    const c = configOf({ runs: [1, 4], metrics: ['entropy', 'clip/high_frac'], showRaw: false });
    expect(Object.keys(c.options!.scales!)).toEqual(['x', 'y1', 'y0']);
    expect(scale(c, 'y0')).toMatchObject({ stack: 'panels', title: { text: 'Entropy (nats)' } });
    expect(scale(c, 'y1')).toMatchObject({ stack: 'panels', title: { text: 'Clip-high fraction' } });
    expect(datasets(c).map((d) => d.yAxisID)).toEqual(['y0', 'y1', 'y0', 'y1']);
    expect(legendShown(c)).toEqual(['ε_low = 0.2', 'ε_low = 0.1']);
  });

  it('follows the style, size and line settings of the spec', () => {
    const screen = configOf({ runs: [1], metrics: ['entropy'], style: 'screen', lineWidth: 2.5 }, 'screen');
    expect(screen.options).toMatchObject({ responsive: true, maintainAspectRatio: false });
    expect(screen.plugins).toEqual([]);
    expect(datasets(screen)[0]).toMatchObject({ borderWidth: 2.5 });
    expect(datasets(screen)[0].segment).toBeUndefined();
    const dashed = configOf({ runs: [1, 4], metrics: ['entropy', 'clip/high_frac'], layout: 'overlay' });
    expect(
      datasets(dashed)
        .slice(0, 4)
        .map((d) => d.borderDash),
    ).toEqual([[], [4, 2], [], [4, 2]]);
    expect(configOf({ runs: [1], metrics: ['entropy'], legend: 'none' }).options?.plugins?.legend?.display).toBe(false);
  });

  it('decimates every curve but keeps gaps, and hides values <= 0 on a log axis', () => {
    const long = syntheticRun(1, { steps: 20_000, metrics: ['entropy'] });
    long.series[0].values[100] = null;
    const c = configOf({ runs: [1], metrics: ['entropy'], smoothing: 0 }, 'paper', [long]);
    expect(datasets(c)[0].data.length).toBeLessThanOrEqual(4 * 234);
    expect(datasets(c)[0].data.some((p) => p.x === 100 && Number.isNaN(p.y))).toBe(true);
    const neg = syntheticRun(1, { metrics: ['entropy'] });
    neg.series[0].values[5] = -1;
    const log = configOf({ runs: [1], metrics: ['entropy'], smoothing: 0, logY: true }, 'paper', [neg]);
    expect(Number.isNaN(datasets(log)[0].data[5].y)).toBe(true);
  });
});

describe('linear tick labels', () => {
  it('prints plain numbers without float noise and tiny or huge ones as short exponents', () => {
    expect(linearTickLabel(0.1 + 0.2)).toBe('0.3');
    expect(linearTickLabel(-0.025)).toBe('-0.025');
    expect(linearTickLabel(1250)).toBe('1,250');
    expect(linearTickLabel(0)).toBe('0');
    expect(linearTickLabel(-0)).toBe('0');
    expect(linearTickLabel(0.2e-6 * 1.0000000000000002)).toBe('2e-7');
    expect(linearTickLabel(-1.5e-6)).toBe('-1.5e-6');
    expect(linearTickLabel(4e7)).toBe('4e7');
    expect(linearTickLabel(NaN)).toBe('');
  });

  it('labels the y axis of every linear figure with them', () => {
    const config = configOf({ runs: [1], metrics: ['entropy'], smoothing: 0 }, 'screen');
    const y = config.options?.scales?.y as { ticks: { callback: (v: number) => string } };
    expect(y.ticks.callback(8e-7)).toBe('8e-7');
  });
});
