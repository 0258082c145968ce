/**
 * One run on several threads (issue 20): the default model's update and sampling on wasm with 1
 * thread and with more, each count in a fresh process (the wasm module starts once per process),
 * in alternating rounds so that a change of load on a shared machine hits every count alike; the
 * speed-up is the median over rounds of the ratio measured within a round. Beside it, the model of
 * how it scales: Amdahl's law with the parallel share read from a 1-thread kernel profile (our
 * kernels that split their rows over the kernel threads), t(n) = serial + parallel / n.
 * Each round also runs every count on tfjs's own ops (no fused kernels, XNNPACK given the threads):
 * whether our kernels still win at n threads is measured there, as a within-round ratio.
 * BENCH_THREADS=1,2,4 picks the counts (default: 1, 2 and every core of the machine).
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { ThreadsChildResult } from './gpt-threads-child';

const fmt = (x: number, digits = 1) => x.toFixed(digits);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function threadCounts(): number[] {
  const asked = process.env.BENCH_THREADS?.split(',').map(Number);
  if (asked?.every((n) => Number.isInteger(n) && n >= 1)) return [...new Set([1, ...asked])].sort((a, b) => a - b);
  return [...new Set([1, 2, os.availableParallelism()])].sort((a, b) => a - b);
}

function child(threads: number, reps: number, profile: boolean, composite = false): ThreadsChildResult {
  const file = path.join(import.meta.dirname, 'gpt-threads-child.ts');
  const flags = [...(profile ? ['--profile'] : []), ...(composite ? ['--composite'] : [])];
  const args = [...process.execArgv, file, String(threads), String(reps), ...flags];
  const out = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`threads benchmark child (${threads} threads) failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop()!) as ThreadsChildResult;
}

/**
 * Prints the speed-ups and the scaling model; rounds x counts processes of `reps` updates each.
 * Returns the median update (ms) at each thread count.
 */
export function benchThreads(reps: number, rounds = 3): Map<number, number> {
  const counts = threadCounts();
  const runs = new Map<number, ThreadsChildResult[]>(counts.map((n) => [n, []]));
  const composite = new Map<number, ThreadsChildResult[]>(counts.map((n) => [n, []]));
  for (let round = 0; round < rounds; round++) {
    for (const n of counts) {
      runs.get(n)!.push(child(n, reps, n === 1 && round === 0));
      composite.get(n)!.push(child(n, reps, false, true));
    }
  }
  const one = runs.get(1)!;
  const load = os.loadavg()[0];
  console.log(
    `  ${rounds} rounds of fresh processes, ${reps} updates each; load average ${fmt(load)} on ${os.availableParallelism()} cores` +
      (load > os.availableParallelism() - 1 ? ' (busy: threads wait for cores other programs hold)' : ''),
  );
  for (const n of counts) {
    const rs = runs.get(n)!;
    if (rs[0].threads !== n) console.log(`  asked for ${n} threads, the backend runs ${rs[0].threads}`);
    const speedUp = (pick: (r: ThreadsChildResult) => number) => median(rs.map((r, i) => pick(one[i]) / pick(r)));
    const update = median(rs.map((r) => r.update.median));
    const sampling = median(rs.map((r) => r.sampling.median));
    console.log(
      `  ${n} thread${n === 1 ? ' ' : 's'}: update ${fmt(update)} ms (x${fmt(
        speedUp((r) => r.update.median),
        2,
      )}), ` +
        `${fmt(median(rs.map((r) => r.updateCpu)))} CPU ms; sampling ${fmt(sampling)} ms (x${fmt(
          speedUp((r) => r.sampling.median),
          2,
        )})`,
    );
  }
  printModel(one[0], counts);
  printFusedAb(runs, composite);
  return new Map(counts.map((n) => [n, median(runs.get(n)!.map((r) => r.update.median))]));
}

/** Our fused kernels against tfjs's own ops at each thread count: median within-round ratios. */
function printFusedAb(fused: Map<number, ThreadsChildResult[]>, composite: Map<number, ThreadsChildResult[]>): void {
  for (const [n, rs] of fused) {
    const cs = composite.get(n)!;
    const ratio = (pick: (r: ThreadsChildResult) => number) => fmt(median(rs.map((r, i) => pick(r) / pick(cs[i]))), 2);
    console.log(
      `  fused / composite kernels at ${n} thread${n === 1 ? '' : 's'}: update ${ratio((r) => r.update.median)}x ` +
        `(composite ${fmt(median(cs.map((r) => r.update.median)))} ms), sampling ${ratio((r) => r.sampling.median)}x`,
    );
  }
}

/**
 * Amdahl's law from the 1-thread run: our kernels that split their rows over the threads (their
 * CPU time in the profile) against the CPU time of an unprofiled update (the profiler's own
 * bookkeeping stays out of the serial part).
 */
function printModel(one: ThreadsChildResult, counts: number[]): void {
  const p = one.profile!;
  const total = Math.max(one.updateCpu, p.split);
  const parallel = p.split;
  const serial = total - parallel;
  const share = parallel / total;
  console.log(
    `  model: of a ${fmt(total)} CPU ms 1-thread update, ${fmt(parallel)} ms (${fmt(100 * share, 0)}%) runs in our ` +
      `kernels split over the threads (GEMMs, LayerNorm, attention); ${fmt(serial)} ms stays on one thread ` +
      `(other ops, JavaScript)`,
  );
  const predicted = [...new Set([...counts, 2, 4, 8])].sort((a, b) => a - b).filter((n) => n > 1);
  const at = (n: number) => `${n}: x${fmt(total / (serial + parallel / n), 2)}`;
  console.log(
    `  predicted speed-up t(1) / (serial + parallel / n) on free cores, n = ${predicted.map(at).join(', ')}; ` +
      `limit x${fmt(1 / (1 - share), 2)}`,
  );
}
