/**
 * Fused kernels A/B (issue 20): the policy's update and KV-cache sampling with our fused wasm
 * kernels (engine/simd: GEMMs, LayerNorm, packed-QKV attention) against the same policy on tfjs's
 * own ops, in this process, in alternating rounds so that a change of load on a shared machine hits
 * both alike. The ratio printed is the median over rounds of fused / composite within a round
 * (below 1: the fused kernels are faster). Updates are timed in wall and in CPU time (steadier
 * when other programs hold the cores, and the work itself on one thread).
 */
import { simdActive } from '../src-main/engine/simd/kernels';
import { summarise, timeSampling, timeUpdates, type Timing } from './gpt-timing';
import { policyTrainable, type Workload } from './gpt-workload';

const fmt = (x: number, digits = 1) => x.toFixed(digits);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

type Measure = (fused: boolean) => Promise<Timing>;

/** Rounds of (fused, composite); prints both medians and the median within-round ratio. */
async function abRounds(label: string, rounds: number, measure: Measure): Promise<void> {
  const fused: Timing[] = [];
  const composite: Timing[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternate which goes first, so neither always runs on a warmer (or busier) machine.
    const order = r % 2 === 0 ? [true, false] : [false, true];
    for (const f of order) (f ? fused : composite).push(await measure(f));
  }
  const ratios = fused.map((t, i) => t.median / composite[i].median);
  const [f, c] = [summarise(fused.map((t) => t.median)), summarise(composite.map((t) => t.median))];
  console.log(
    `  ${label.padEnd(30)} fused ${fmt(f.median).padStart(6)} ms, composite ${fmt(c.median).padStart(6)} ms ` +
      `-> fused / composite = ${fmt(median(ratios), 2)}x (rounds: ${ratios.map((x) => fmt(x, 2)).join(', ')})`,
  );
}

export async function benchFused(workloads: readonly Workload[], reps: number, rounds = 3): Promise<void> {
  if (!simdActive()) {
    console.log('  skipped: the fused kernels are not registered on this backend');
    return;
  }
  console.log(
    `  (${rounds} alternating rounds of ${reps} updates each; medians per round; shared machine: expect noise)`,
  );
  for (const w of workloads) {
    console.log(`  ${w.label}`);
    const timeUpdate = (clock: 'wall' | 'cpu') => (fused: boolean) =>
      timeUpdates(w, policyTrainable(w, fused), w.updateRows, reps, clock);
    await abRounds('update, wall time', rounds, timeUpdate('wall'));
    await abRounds('update, CPU time', rounds, timeUpdate('cpu'));
    const sampleReps = Math.max(3, Math.floor(reps / 2));
    const timeSample = (clock: 'wall' | 'cpu') => async (fused: boolean) =>
      (await timeSampling(w, sampleReps, fused, clock)).timing;
    await abRounds('KV-cache sampling, wall time', rounds, timeSample('wall'));
    await abRounds('KV-cache sampling, CPU time', rounds, timeSample('cpu'));
  }
}
