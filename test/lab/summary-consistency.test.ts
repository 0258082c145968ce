/**
 * One run, one set of summary numbers (issue 14): the start, final, peak, collapse step and
 * half-life of entropy, and a seed group's final entropy as mean ± std, are the same numbers in the
 * Runs list and the Run header (run records), Compare (figure data), Diagnostics, the CLI (`show
 * --json`, `diagnose --json`) and the data export (`figures.data`). The series are sparse, irregular
 * and end in a NaN, where the views used to disagree.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildFigureData,
  figureSpecSchema,
  presetConfig,
  type FigureRunInput,
  type RunRecord,
} from '../../src-main/contract';
import { createLab, createLocalRun, dispatch, setRunStatus, type LabService } from '../../src-main/lab';
import { summarize } from '../../src-renderer/components/compare/summary';
import { groupBySeed } from '../../src-renderer/views/runs/table-model';
import { cliOn } from '../support/cli';
import { fileTempDir } from '../support/temp';

const dir = fileTempDir();
const db = path.join(dir, 'lab.db');
let lab: LabService;
const ids: number[] = [];

/** Entropy logged every 10 steps from step 10, collapsing by seed, with a NaN at the very end. */
function entropyOf(seed: number): { steps: number[]; values: (number | null)[] } {
  const steps = [10, 20, 30, 45, 50, 60, 70, 80, 90, 100, 105];
  const values = steps.map((s, i) =>
    i === steps.length - 1 ? null : 1.6 * Math.exp(-s / (18 + 4 * seed)) + 0.01 * seed,
  );
  return { steps, values };
}

beforeAll(() => {
  lab = createLab({ dbPath: db });
  for (const seed of [1, 2, 3]) {
    const { id } = createLocalRun(lab.context, { ...presetConfig('tabular-random-sym'), name: 'sparse', seed });
    setRunStatus(lab.context, id, 'running', { backend: 'cpu' });
    const { steps, values } = entropyOf(seed);
    lab.context.store.bulkInsertSeries(id, [{ key: 'entropy', steps, values }]);
    setRunStatus(lab.context, id, 'completed');
    ids.push(id);
  }
});
afterAll(() => lab?.close());

async function figureInputs(runs: RunRecord[]): Promise<FigureRunInput[]> {
  return Promise.all(
    runs.map(async (run) => ({ run, series: await dispatch(lab, 'runs.series', { id: run.id, keys: ['entropy'] }) })),
  );
}

describe('summary numbers across views', () => {
  it('are the same for one run in Runs, Run, Compare, Diagnostics, the CLI and the export', async () => {
    const id = ids[1];
    const listed = (await dispatch(lab, 'runs.list', {})).find((r) => r.id === id)!;
    const header = await dispatch(lab, 'runs.get', { id });
    const spec = figureSpecSchema.parse({ runs: [id], metrics: ['entropy'] });
    const compare = summarize(buildFigureData(spec, await figureInputs([header])))[0].metrics.entropy;
    const [diagnosis] = await dispatch(lab, 'diagnostics.run', { ids: [id] });
    const cli = cliOn(db);
    const shown = JSON.parse((await cli('show', String(id), '--json')).stdout).summary.entropy;
    const diagnosed = JSON.parse((await cli('diagnose', String(id), '--json')).stdout).runs[0].collapse;
    const exported = JSON.parse((await dispatch(lab, 'figures.data', { spec, format: 'json' })).text).series[0].summary;
    if (diagnosis.collapse.status !== 'ok') throw new Error(diagnosis.collapse.reason);

    // By hand: the last logged value that is a number is step 100's (step 105 logged NaN); the first is step 10's.
    const { values } = entropyOf(2);
    const [start, final] = [values[0] as number, values[9] as number];
    for (const [view, value] of [
      ['Runs', listed.latest.entropy],
      ['Run', header.latest.entropy],
      ['Compare', compare.final?.mean],
      ['Diagnostics', diagnosis.collapse.final],
      ['CLI show', shown.final.value],
      ['CLI diagnose', diagnosed.final],
      ['export', exported.final.mean],
    ] as const) {
      expect(value, view).toBe(final);
    }
    for (const [view, value] of [
      ['Compare', compare.start?.mean],
      ['Diagnostics', diagnosis.collapse.start],
      ['CLI show', shown.start.value],
      ['CLI diagnose', diagnosed.start],
      ['export', exported.start.mean],
    ] as const) {
      expect(value, view).toBe(start);
    }
    expect([compare.peak?.mean, shown.peak.value, diagnosis.collapse.peak.value, exported.peak.mean]).toEqual(
      Array(4).fill(start),
    );
    // Collapse by hand: the start 1.6·e^(-10/26) + 0.02 = 1.1091, a tenth 0.1109; step 70 logs 0.1284,
    // step 80 0.0938 and later points less.
    expect(diagnosis.collapse.collapseStep).toBe(80);
    expect(diagnosed.collapseStep).toBe(80);
    expect(diagnosis.scalars['entropy.collapseStep']).toBe(80);
  });

  it("are the same for a seed group's final entropy in Runs, Compare and Diagnostics", async () => {
    const runs = (await dispatch(lab, 'runs.list', {})).filter((r) => ids.includes(r.id));
    const [runsGroup] = groupBySeed(runs);
    const spec = figureSpecSchema.parse({ runs: ids, metrics: ['entropy'], groupSeeds: true });
    const compare = summarize(buildFigureData(spec, await figureInputs(runs)))[0].metrics.entropy.final!;
    const group = await dispatch(lab, 'diagnostics.group', { ids });
    const diagnostics = group.scalars['entropy.final'];
    const exported = JSON.parse((await dispatch(lab, 'figures.data', { spec, format: 'json' })).text).series[0].summary
      .final;

    const finals = ids.map((_, i) => entropyOf(i + 1).values[9] as number);
    const mean = finals.reduce((a, b) => a + b, 0) / 3;
    const std = Math.sqrt(finals.reduce((a, b) => a + (b - mean) ** 2, 0) / 2);
    for (const [view, m, s, n] of [
      ['Runs', runsGroup.meanEntropy, runsGroup.stdEntropy, runsGroup.entropyN],
      ['Compare', compare.mean, compare.std, compare.n],
      ['Diagnostics', diagnostics.mean, diagnostics.std, diagnostics.n],
      ['export', exported.mean, exported.std, exported.n],
    ] as const) {
      expect(m, view).toBe(mean);
      expect(s, view).toBe(std);
      expect(n, view).toBe(3);
    }
  });
});
