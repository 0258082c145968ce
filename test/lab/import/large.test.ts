/**
 * A 100,000-step log streams through with progress reports and every point intact. Speed is measured
 * by bench/import.ts, never asserted here.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFile } from '../../../src-main/lab/import/parse';
import type { ImportProgress } from '../../../src-main/lab/import/types';
import { tempDir } from './helpers';
import { syntheticKeys, syntheticValue, writeSyntheticLog } from './synthetic';

const STEPS = 100_000;
const tmp = tempDir();
afterAll(() => tmp.remove());

describe('a 100,000-step verl console log', () => {
  it('parses with growing progress reports and every step and value', async () => {
    const file = tmp.file('big.log');
    writeSyntheticLog(file, 'verl-console', STEPS, 6);
    const size = fs.statSync(file).size;
    const progress: ImportProgress[] = [];
    const run = await parseFile(file, { onProgress: (p) => progress.push(p) });

    expect(run.format).toBe('verl-console');
    expect(progress.length).toBeGreaterThan(5);
    expect(progress.every((p, i) => i === 0 || p.bytesRead > progress[i - 1].bytesRead)).toBe(true);
    expect(progress.at(-1)).toEqual({ bytesRead: size, totalBytes: size, points: STEPS * 6 });

    const keys = syntheticKeys(6);
    expect([...run.series.keys()]).toEqual(keys);
    const kl = run.series.get(keys[2])!;
    expect(kl.steps).toHaveLength(STEPS);
    for (const step of [1, 777, 50_000, STEPS]) expect(kl.values[step - 1]).toBe(syntheticValue(step, 2));
  });
});
