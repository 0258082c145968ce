/**
 * The Run view in a real Chromium (its charts need a canvas): a local run's charts drawn from the API's
 * series and extended with only the new steps on progress, predicted entropy change always beside the
 * measured one, the sample browser's entropy colouring; an imported run's source and keys.
 */
import { cleanup, render, screen, within } from '@testing-library/svelte';
import { Chart } from 'chart.js';
import { afterEach, describe, expect, it } from 'vitest';
import { METRIC, type ImportedRun, type SampleRecord, type Series } from '../../src-main/contract';
import { appContext } from '../../src-renderer/lib/context';
import type { FigureLineDataset } from '../../src-renderer/components/charts/figure-line';
import RunView from '../../src-renderer/views/run/RunView.svelte';
import { localRun } from '../support/run-records';
import { scriptedApi } from './scripted-api';

afterEach(() => cleanup());

/** A metric's value at a step: distinct per key so the charts have something to draw. */
const valueAt = (key: string, step: number) => (key.length % 5) * 0.1 + Math.cos(step / 3 + key.length) * 0.05;

function seriesFor(keys: readonly string[], last: number, from = 0): Series[] {
  return keys.map((key) => {
    const steps = Array.from({ length: Math.max(0, last - from + 1) }, (_, i) => from + i);
    return { key, steps, values: steps.map((s) => valueAt(key, s)), times: steps.map((s) => s * 0.5) };
  });
}

const sample = (step: number): SampleRecord => ({
  step,
  prompt: 'state 3',
  responses: [
    { text: 'a1', tokens: ['a1'], reward: 1, advantage: 1.5, entropies: [0.1] },
    { text: 'a5', tokens: ['a5'], reward: 0, advantage: -0.5, entropies: [2.0] },
  ],
});

function canvasOf(chartId: string): HTMLCanvasElement {
  const canvas = document.querySelector<HTMLCanvasElement>(`[data-chart="${chartId}"] canvas`);
  if (!canvas) throw new Error(`no canvas for chart ${chartId}`);
  return canvas;
}

const labels = (chart: Chart) =>
  chart.data.datasets.map((d) => d.label ?? '').filter((l) => !/\((raw|band)\)$/.test(l));

describe('Run view', () => {
  it('draws a local run and follows its training with incremental fetches', async () => {
    const run = localRun(7, { name: 'live sym', status: 'running', step: 9, steps: 50, backend: 'wasm' });
    let last = 9;
    const lab = scriptedApi({
      'runs.get': () => ({ ...run, step: last }),
      'runs.list': () => [{ ...run, step: last }],
      'runs.series': ({ keys, from }) => seriesFor(keys, last, from ?? 0),
      'runs.sampleSteps': () => Array.from({ length: last + 1 }, (_, i) => i),
      'runs.samples': ({ step }) => [sample(step)],
    });
    render(RunView, { props: { id: 7 }, context: appContext(lab.client) });
    expect(await screen.findByRole('heading', { level: 1, name: 'live sym' })).toBeTruthy();
    expect(document.querySelector('.facts')?.textContent).toContain('backend wasm');

    for (const id of ['entropy', 'reward', 'clip-fractions', 'clip-drift', 'entropy-change', 'kl']) {
      // Built in the figure worker first: allow for a loaded machine.
      await expect.poll(() => Chart.getChart(canvasOf(id)), { timeout: 15_000 }).toBeTruthy();
    }
    const change = Chart.getChart(canvasOf('entropy-change'))!;
    // Measured and predicted, each in its own panel and y scale: a prediction orders of magnitude
    // smaller than the measurement is not flattened to zero.
    const titles = Object.entries(change.options.scales ?? {})
      .filter(([k]) => k.startsWith('y'))
      .map(([, scale]) => (scale as { title: { text: string } }).title.text);
    expect(titles.sort()).toEqual(['measured', 'predicted']);
    expect(change.data.datasets.length).toBeGreaterThanOrEqual(2);
    // Each legend entry names the metric and the run.
    expect(labels(Chart.getChart(canvasOf('reward'))!)).toContain('live sym · Eval accuracy (greedy)');

    // Progress: only the steps after the last one shown are fetched, and the chart grows in place.
    const before = lab.callsOf('runs.series').length;
    last = 12;
    lab.emit({
      name: 'run.progress',
      payload: { id: 7, step: 12, steps: 50, status: 'running', latest: { entropy: 1.1 }, stepsPerSecond: 4 },
    });
    await expect.poll(() => lab.callsOf('runs.series').length).toBeGreaterThan(before);
    expect(lab.callsOf('runs.series')[before].from).toBe(10);
    const entropy = Chart.getChart(canvasOf('entropy'))!;
    await expect
      .poll(
        () =>
          Math.max(...entropy.data.datasets.flatMap((d) => [...((d as unknown as FigureLineDataset).line?.x ?? [])])),
        {
          timeout: 15_000,
        },
      )
      .toBe(12);
    expect(Chart.getChart(canvasOf('entropy'))).toBe(entropy);
    expect(await screen.findByText('13 / 50')).toBeTruthy();
    expect(screen.getByText('4.00 steps/s')).toBeTruthy();
  });

  it('colours sampled tokens by entropy on a scale up to ln(actions), with a legend', async () => {
    const run = localRun(8, { name: 'samples' });
    const lab = scriptedApi({
      'runs.get': () => run,
      'runs.list': () => [run],
      'runs.series': ({ keys }) => seriesFor(keys, 3),
      'runs.sampleSteps': () => [0, 2, 4],
      'runs.samples': ({ step }) => [sample(step)],
    });
    render(RunView, { props: { id: 8 }, context: appContext(lab.client) });
    await expect.poll(() => document.querySelectorAll('tr[data-response]').length).toBe(2);
    const [sure, spread] = [...document.querySelectorAll<HTMLElement>('.token')];
    expect(sure.textContent).toBe('a1');
    expect(sure.style.backgroundColor).not.toBe(spread.style.backgroundColor);
    expect(sure.title).toContain('entropy 0.100 nats');
    const actions = run.config!.task.kind === 'bandit' ? run.config!.task.actions : 0;
    expect(screen.getByRole('figure', { name: /Token colour/ }).textContent).toContain(Math.log(actions).toFixed(2));
    expect(document.querySelector('.step-label')?.textContent).toContain('step 4 of 4');
    expect(within(document.querySelector('tr[data-response]')!).getByText('+1.500')).toBeTruthy();
  });

  it('shows an imported run by its source and keys, charting only what it logged', async () => {
    const base = localRun(9);
    const imported: ImportedRun = {
      ...base,
      origin: 'imported',
      name: 'verl run',
      config: null,
      seed: null,
      source: {
        format: 'verl-jsonl',
        file: 'metrics.jsonl',
        params: { 'actor.clip_ratio': 0.2 },
        trainer: 'verl',
        aliases: { entropy: 'actor/entropy' },
        clipFractionCombined: true,
        warnings: ['step 7 appears twice; the last value is kept'],
      },
    };
    const keys = [
      { key: 'actor/entropy', count: 5, firstStep: 0, lastStep: 4 },
      { key: 'actor/pg_clipfrac', count: 5, firstStep: 0, lastStep: 4 },
      { key: METRIC.entropy, count: 5, firstStep: 0, lastStep: 4 },
      { key: METRIC.entropyDeltaPred, count: 5, firstStep: 0, lastStep: 4 },
    ];
    const lab = scriptedApi({
      'runs.get': () => imported,
      'runs.list': () => [imported],
      'runs.keys': () => keys,
      'runs.series': ({ keys: wanted }) => seriesFor(wanted, 4),
      'runs.sampleSteps': () => [],
    });
    render(RunView, { props: { id: 9 }, context: appContext(lab.client) });
    expect(await screen.findByRole('heading', { level: 1, name: 'verl run' })).toBeTruthy();
    const source = await screen.findByText('Source');
    const panel = source.closest('details')!;
    expect(panel.textContent).toContain('metrics.jsonl');
    expect(panel.textContent).toContain('verl-jsonl (verl key names)');
    expect(panel.textContent).toContain('cannot be told apart');
    expect(panel.textContent).toContain('step 7 appears twice');
    expect(panel.textContent).toContain('actor.clip_ratio');
    expect(within(panel).getByText('actor/pg_clipfrac')).toBeTruthy();
    // Only entropy is charted: a prediction without its measured change is never drawn alone.
    await expect.poll(() => document.querySelectorAll('[data-chart]').length).toBe(1);
    expect(document.querySelector('[data-chart="entropy"]')).not.toBeNull();
    expect(screen.getByText(/No samples logged yet/)).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'New run from this' })).toBeNull();
  });

  it("draws an imported verl run's clip fractions by meaning, each line named by metric and run", async () => {
    const imported: ImportedRun = {
      ...localRun(11, { name: 'verl clip' }),
      origin: 'imported',
      config: null,
      seed: null,
      source: {
        format: 'verl-console',
        file: 'train.log',
        params: {},
        trainer: 'verl',
        aliases: { 'clip/frac': 'actor/pg_clipfrac', 'clip/dual_frac': 'actor/pg_clipfrac_lower' },
        clipFractionCombined: true,
      },
    };
    const keys = ['actor/pg_clipfrac', 'actor/pg_clipfrac_lower', METRIC.clipFrac, METRIC.clipDualFrac].map((key) => ({
      key,
      count: 5,
      firstStep: 0,
      lastStep: 4,
    }));
    const lab = scriptedApi({
      'runs.get': () => imported,
      'runs.list': () => [imported],
      'runs.keys': () => keys,
      'runs.series': ({ keys: wanted }) => seriesFor(wanted, 4),
      'runs.sampleSteps': () => [],
    });
    render(RunView, { props: { id: 11 }, context: appContext(lab.client) });
    await expect.poll(() => Chart.getChart(canvasOf('clip-fractions'))).toBeTruthy();
    // verl's pg_clipfrac is the combined fraction (clip/frac), pg_clipfrac_lower the dual-clip one:
    // both are drawn, never one of them as clip-low, and the legend names each metric and the run.
    expect(labels(Chart.getChart(canvasOf('clip-fractions'))!)).toEqual([
      'verl clip · Clip fraction (both sides)',
      'verl clip · Dual-clip fraction',
    ]);
  });

  it('charts the weight clips of a CISPO run apart from the paper’s clip events, and only for CISPO', async () => {
    const ppo = localRun(12, { name: 'ppo run' });
    const cispo = localRun(13, { name: 'cispo run' });
    if (cispo.origin !== 'local') throw new Error('a local run');
    cispo.config = { ...cispo.config, objective: { ...cispo.config.objective, loss: 'cispo' } };
    for (const run of [ppo, cispo]) {
      const lab = scriptedApi({
        'runs.get': () => run,
        'runs.list': () => [run],
        'runs.series': ({ keys }) => seriesFor(keys, 4),
        'runs.sampleSteps': () => [],
      });
      render(RunView, { props: { id: run.id }, context: appContext(lab.client) });
      await expect.poll(() => Chart.getChart(canvasOf('clip-fractions'))).toBeTruthy();
      if (run === ppo) expect(document.querySelector('[data-chart="weight-clips"]')).toBeNull();
      else {
        await expect.poll(() => Chart.getChart(canvasOf('weight-clips'))).toBeTruthy();
        expect(labels(Chart.getChart(canvasOf('weight-clips'))!)).toEqual([
          'cispo run · Lower-bound weight clips, A > 0 (CISPO)',
          'cispo run · Upper-bound weight clips, A < 0 (CISPO)',
        ]);
        // The paper's events stay under their own names in the clipped-tokens chart.
        expect(labels(Chart.getChart(canvasOf('clip-fractions'))!)).toContain('cispo run · Clip-low fraction');
      }
      cleanup();
    }
  });
});
