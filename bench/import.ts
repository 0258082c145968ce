/**
 * Import speed: writes a 100,000-step log in each text format (30 metric keys per step, like a small
 * verl run) to a temp folder, parses it, and prints MB/s and points/s.
 * Run: `npx tsx bench/import.ts [steps] [keys]`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { withAliases } from '../src-main/lab/import/aliases';
import { parseFile } from '../src-main/lab/import/parse';
import type { FormatName } from '../src-main/lab/import/types';
import { writeSyntheticLog } from '../test/lab/import/synthetic';

const steps = Number(process.argv[2] ?? 100_000);
const keys = Number(process.argv[3] ?? 30);
const formats: FormatName[] = ['verl-console', 'verl-jsonl', 'trl-console', 'csv'];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cliplab-bench-'));

try {
  for (const format of formats) {
    const file = path.join(dir, `${format}.log`);
    writeSyntheticLog(file, format, steps, keys);
    const mb = fs.statSync(file).size / 1e6;
    let reports = 0;
    const t0 = performance.now();
    const run = withAliases(await parseFile(file, { onProgress: () => reports++ }));
    const s = (performance.now() - t0) / 1000;
    const points = [...run.series.values()].reduce((n, x) => n + x.steps.length, 0);
    console.log(
      `${format.padEnd(13)} ${steps} steps x ${keys} keys, ${mb.toFixed(1)} MB: ${s.toFixed(2)} s ` +
        `(${(mb / s).toFixed(1)} MB/s, ${(points / s / 1e6).toFixed(2)} M points/s, ${reports} progress reports)`,
    );
    fs.rmSync(file);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
