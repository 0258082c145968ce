/**
 * Store write speed: an import-sized bulk insert (100k steps x 40 keys) and a training run's
 * per-step appends. Run: `npx tsx bench/store.ts`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../src-main/store';

const STEPS = Number(process.env.BENCH_STEPS ?? 100_000);
const KEYS = Number(process.env.BENCH_KEYS ?? 40);

/** Wall seconds, and this process's CPU seconds (which other load on the machine inflates less). */
function time<T>(fn: () => T): [T, number, number] {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = fn();
  const c = process.cpuUsage(c0);
  return [out, (performance.now() - t0) / 1000, (c.user + c.system) / 1e6];
}

console.log(`load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cliplab-bench-'));
try {
  const store = openStore(path.join(dir, 'bench.db'));
  const run = store.createRun({
    name: 'bulk',
    origin: 'imported',
    status: 'completed',
    groupKey: 'b',
    appVersion: '0',
  });
  const steps = Array.from({ length: STEPS }, (_, i) => i);
  const series = Array.from({ length: KEYS }, (_, k) => ({
    key: `metric/${k}`,
    steps,
    values: steps.map((s) => Math.sin(s * 0.001 + k)),
    times: steps.map((s) => s * 0.5),
  }));
  const [{ points }, bulkS, bulkCpu] = time(() => store.bulkInsertSeries(run, series));
  console.log(
    `bulkInsertSeries: ${points} points (${STEPS} steps x ${KEYS} keys) in ${bulkS.toFixed(2)} s (CPU ${bulkCpu.toFixed(2)} s)`,
  );
  console.log(`  ${(points / bulkS / 1e6).toFixed(2)} M points/s`);

  const [, seriesS, seriesCpu] = time(() => store.series(run, ['metric/0', 'metric/1', 'metric/2']));
  console.log(
    `series of 3 keys x ${STEPS} points: ${(seriesS * 1000).toFixed(1)} ms (CPU ${(seriesCpu * 1000).toFixed(1)} ms)`,
  );
  const [, rangeS] = time(() => store.series(run, ['metric/0'], { from: STEPS / 2, to: STEPS / 2 + 999 }));
  console.log(`series range of 1000 points: ${(rangeS * 1000).toFixed(2)} ms`);
  const [, listS] = time(() => store.listRuns({ latestKeys: ['metric/0', 'metric/1'] }));
  console.log(`listRuns with latest values: ${(listS * 1000).toFixed(2)} ms`);

  const live = store.createRun({ name: 'live', origin: 'local', status: 'running', groupKey: 'l', appVersion: '0' });
  const [, appendS] = time(() => {
    for (let s = 0; s < 2000; s++) {
      store.appendMetrics(
        live,
        Array.from({ length: 25 }, (_, k) => ({ key: `metric/${k}`, step: s, value: Math.random(), time: s })),
      );
    }
  });
  console.log(
    `appendMetrics: 2000 steps x 25 keys, one call per step: ${((appendS / 2000) * 1000).toFixed(3)} ms per step`,
  );
  const [, truncS] = time(() => store.truncateAfter(run, STEPS / 2));
  console.log(`truncateAfter half of the bulk run: ${truncS.toFixed(2)} s`);
  const [, delS] = time(() => store.deleteRuns([run]));
  console.log(`deleteRuns (remaining ${points / 2} points): ${delS.toFixed(2)} s`);
  store.close();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
