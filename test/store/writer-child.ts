/** A second process writing metrics to the same database (spawned by concurrency.test.ts). */
import { openStore } from '../../src-main/store';

const [file, runArg, stepsArg] = process.argv.slice(2);
const store = openStore(file);
const run = Number(runArg);
for (let step = 0; step < Number(stepsArg); step++) {
  store.appendMetrics(run, [
    { key: 'entropy', step, value: 1 / (step + 1) },
    { key: 'reward/mean', step, value: step % 2 },
  ]);
}
store.close();
