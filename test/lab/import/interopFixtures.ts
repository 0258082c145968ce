/**
 * The fixtures scripts/fixtures/make_interop_fixtures.py writes with the real tools (wandb offline,
 * mlflow, torch's and tensorboardX's SummaryWriter, verl's Tracking, the Trainer's callbacks,
 * nbformat), and the check that cliplab imports each one with exactly the values the tool was given
 * (expected.json, written by the same script from what it logged).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { withAliases, type AliasedImport } from '../../../src-main/lab/import/aliases';
import { parseSource, type SourceRun } from '../../../src-main/lab/import/source';
import { REAL_LOGS } from './helpers';

export const INTEROP = path.join(import.meta.dirname, '..', '..', 'fixtures', 'interop');

export interface ExpectedSeries {
  steps: number[];
  /** null where the tool was given NaN. */
  values: (number | null)[];
}

export interface ExpectedFixture {
  path: string;
  format: string;
  /** TensorBoard's simple_value is a float32: compare at that precision. */
  float32?: boolean;
  series?: Record<string, ExpectedSeries>;
  /** A container: it must import exactly like this plain log (relative to test/fixtures). */
  same_as?: string;
  container?: string;
}

export function loadExpected(dir = INTEROP): Record<string, ExpectedFixture> {
  return JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Record<string, ExpectedFixture>;
}

export async function importRuns(target: string): Promise<AliasedImport<SourceRun>[]> {
  return (await parseSource(target)).map((run) => withAliases(run));
}

/** Equal as doubles, or as float32 when the file stores float32; NaN equals NaN. */
function same(actual: number, expected: number | null, float32: boolean): boolean {
  if (expected === null) return Number.isNaN(actual);
  return float32 ? Object.is(Math.fround(actual), Math.fround(expected)) : Object.is(actual, expected);
}

/** Every expected series is in the run with exactly these steps and values. */
export function expectSeries(run: AliasedImport<SourceRun>, fixture: ExpectedFixture, id: string): void {
  for (const [key, want] of Object.entries(fixture.series ?? {})) {
    const got = run.series.get(key);
    expect(got, `${id}: key ${key}`).toBeDefined();
    expect(got!.steps, `${id}: steps of ${key}`).toEqual(want.steps);
    const wrong = want.values
      .map((v, i) => [i, v] as const)
      .filter(([i, v]) => !same(got!.values[i], v, fixture.float32 ?? false))
      .map(([i, v]) => `step ${want.steps[i]}: ${got!.values[i]} != ${v}`);
    expect(wrong, `${id}: values of ${key}`).toEqual([]);
  }
}

/** Imports the fixture `id` of `dir` and checks it against what the tool was given. */
export async function checkFixture(dir: string, id: string, fixture: ExpectedFixture) {
  const runs = await importRuns(path.join(dir, fixture.path));
  expect(runs, id).toHaveLength(1);
  const [run] = runs;
  expect(run.format, id).toBe(fixture.format);
  if (fixture.container) expect(run.container, id).toBe(fixture.container);
  if (fixture.same_as) {
    const [plain] = await importRuns(path.join(REAL_LOGS, path.basename(fixture.same_as)));
    expect([...run.series.keys()].sort(), id).toEqual([...plain.series.keys()].sort());
    for (const [key, s] of plain.series) expect(run.series.get(key), `${id}: ${key}`).toEqual({ ...s, times: null });
    expect(run.params, id).toEqual(plain.params);
  } else {
    expectSeries(run, fixture, id);
  }
  return run;
}
