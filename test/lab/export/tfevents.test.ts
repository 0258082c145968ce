/**
 * `cliplab export-data --format tfevents`: runs and seed groups as a TensorBoard log folder, read
 * back by TensorBoard's own EventAccumulator (test/reference/read_tfevents.py) and by cliplab.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLab } from '../../../src-main/lab';
import { cliOn } from '../../support/cli';
import { python, pythonMissing, runPython } from '../../support/python';
import { seedRun } from '../../support/temp-lab';
import { fileTempDir } from '../../support/temp';
import { importRuns, INTEROP, loadExpected } from '../import/interopFixtures';

const dir = fileTempDir();
const db = path.join(dir, 'export.db');
const cli = cliOn(db);
const READER = path.join(import.meta.dirname, '..', '..', 'reference', 'read_tfevents.py');
const needsPython = (title: string) => (python ? title : `${title} (skipped: ${pythonMissing})`);

/** Values that float32 cannot hold exactly, NaN, an integer and a gap in one key. */
const points = (seed: number) => [
  { key: 'entropy', step: 0, value: 0.1 * seed, time: 0 },
  { key: 'entropy', step: 1, value: 0.6931471805599453, time: 1.5 },
  { key: 'entropy', step: 2, value: null, time: 3 },
  { key: 'clip/low_frac', step: 1, value: 2945, time: 1.5 },
  { key: 'clip/low_frac', step: 3, value: 1e-7 * seed, time: 4.25 },
];

type Stored = { key: string; steps: number[]; values: (number | null)[]; times: (number | null)[] };

async function storedSeries(id: number): Promise<Stored[]> {
  const shown = JSON.parse((await cli('show', String(id), '--json')).stdout) as {
    metrics: Record<string, { step: number; value: number | null }[]>;
  };
  return Object.entries(shown.metrics).map(([key, pts]) => ({
    key,
    steps: pts.map((p) => p.step),
    values: pts.map((p) => p.value),
    times: [],
  }));
}

let groupKey = '';
beforeAll(async () => {
  const lab = createLab({ dbPath: db });
  for (const seed of [1, 2]) seedRun(lab, { name: `seed ${seed}`, seed, metrics: points(seed) });
  groupKey = lab.context.store.getRun(1)!.groupKey;
  await lab.close();
  const verl = loadExpected()['verl-wandb'];
  expect((await cli('import', path.join(INTEROP, verl.path))).code).toBe(0);
});

describe('cliplab export-data --format tfevents', () => {
  it('writes one run folder per run, which cliplab reads back value for value (float32)', async () => {
    const out = path.join(dir, 'tb-runs');
    const r = await cli('export-data', '--runs', '1,3', '--format', 'tfevents', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${out} (tfevents, 2 run folders)\n`);
    expect(fs.readdirSync(out).sort()).toEqual(['1-seed-1', '3-verl-grpo-gsm8k']);
    const back = await importRuns(out);
    expect(back.map((run) => run.name)).toEqual(['tb-runs/1-seed-1', 'tb-runs/3-verl-grpo-gsm8k']);
    for (const [i, id] of [1, 3].entries()) {
      for (const s of await storedSeries(id)) {
        const got = back[i].series.get(s.key)!;
        expect(got.steps, `${id} ${s.key}`).toEqual(s.steps);
        expect(got.values.map(Math.fround), `${id} ${s.key}`).toEqual(s.values.map((v) => Math.fround(v ?? NaN)));
      }
    }
  });

  it.skipIf(!python)(needsPython("reads back in TensorBoard's own EventAccumulator"), async () => {
    const out = path.join(dir, 'tb-group');
    expect((await cli('export-data', '--groups', groupKey, '--format', 'tfevents', '--out', out)).code).toBe(0);
    const read = JSON.parse(runPython(READER, [out])) as Record<
      string,
      { scalars: Record<string, [number, number, number][]>; text: Record<string, string[]> }
    >;
    expect(Object.keys(read).sort()).toEqual(['1-seed-1', '2-seed-2']);
    for (const [id, folder] of [
      [1, '1-seed-1'],
      [2, '2-seed-2'],
    ] as const) {
      const run = read[folder];
      const entropy = run.scalars.entropy;
      expect(entropy.map(([step]) => step)).toEqual([0, 1, 2]); // step 2 logged NaN (the store's null)
      expect(entropy.map(([, v]) => v)).toEqual([Math.fround(0.1 * id), Math.fround(0.6931471805599453), null]);
      expect(run.scalars['clip/low_frac'].map(([step, v]) => [step, v])).toEqual([
        [1, 2945],
        [3, Math.fround(1e-7 * id)],
      ]);
      // Wall times: the run's start plus each point's own time.
      const [, , t0] = entropy[0];
      expect(run.scalars['clip/low_frac'][1][2] - t0).toBeCloseTo(4.25, 3);
      expect(run.text['cliplab/run'][0]).toMatch(new RegExp(`^cliplab run ${id} "seed ${id}" \\(local, completed\\)`));
    }
  });

  it.skipIf(!python)(needsPython("holds NaN and the imported run's own keys for TensorBoard too"), async () => {
    const out = path.join(dir, 'tb-verl');
    expect((await cli('export-data', '--runs', '3', '--format', 'tfevents', '--out', out)).code).toBe(0);
    const read = JSON.parse(runPython(READER, [out])) as Record<
      string,
      { scalars: Record<string, [number, number][]> }
    >;
    const expected = loadExpected()['verl-wandb'].series!;
    const scalars = read['3-verl-grpo-gsm8k'].scalars;
    for (const [key, want] of Object.entries(expected)) {
      expect(
        scalars[key].map(([step]) => step),
        key,
      ).toEqual(want.steps);
      const got = scalars[key].map(([, v]) => v);
      expect(got, key).toEqual(want.values.map((v) => (v === null ? null : Math.fround(v))));
    }
    expect(scalars.entropy).toEqual(scalars['actor/entropy']); // canonical aliases travel too
  });

  it('refuses a folder that is not empty, and an export without runs', async () => {
    const busy = path.join(dir, 'busy');
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, 'x'), '');
    const r = await cli('export-data', '--runs', '1', '--format', 'tfevents', '--out', busy);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/it exists and is not an empty folder/);
    const none = await cli('export-data', '--format', 'tfevents', '--out', path.join(dir, 'none'));
    expect([none.code, none.stderr]).toEqual([
      2,
      expect.stringMatching(/--runs or --groups: expected the runs to export/),
    ]);
    expect(fs.existsSync(path.join(dir, 'none'))).toBe(false);
  });
});
