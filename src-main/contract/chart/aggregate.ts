/**
 * Seed-group statistics: the runs of one group key are seeds of one experiment; their curves are
 * summarised per step by mean, spread and count (TensorBoard #376 and #1450, MLflow #4277).
 *
 * Alignment rule for ragged runs: the output steps are the union of every seed's steps, and a seed
 * contributes at a step only if it logged a finite value at exactly that step. Nothing is
 * interpolated or carried forward, so a seed that stopped early or skipped a step simply lowers `n`
 * there; `n` is reported per step so readers can see where the mean rests on fewer seeds.
 */

export interface StepValues {
  steps: ArrayLike<number>;
  values: ArrayLike<number | null>;
}

export interface GroupAggregate {
  /** Union of the seeds' steps, ascending. */
  steps: number[];
  /** Seeds with a finite value at the step. */
  n: number[];
  /** null where n = 0. */
  mean: (number | null)[];
  /** Sample standard deviation (n - 1 in the denominator, as numpy's ddof=1); null where n < 2. */
  std: (number | null)[];
  /** Standard error of the mean, std / sqrt(n); null where n < 2. */
  sem: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

/** Per-step mean, std, sem, min, max and n over seeds aligned on their union of steps. */
export function aggregateGroup(seriesPerSeed: readonly StepValues[]): GroupAggregate {
  for (const [s, seed] of seriesPerSeed.entries()) {
    if (seed.steps.length !== seed.values.length) {
      throw new RangeError(`seed ${s}: ${seed.steps.length} steps but ${seed.values.length} values`);
    }
  }
  const shared = sharedSteps(seriesPerSeed);
  return shared ? aggregateAligned(seriesPerSeed, shared) : aggregateRagged(seriesPerSeed);
}

/**
 * The seeds' common steps when every seed logged exactly the same ascending steps (seeds of one
 * sweep, the usual case), else null. Then step i of every seed is index i and no map is needed.
 */
function sharedSteps(seeds: readonly StepValues[]): ArrayLike<number> | null {
  if (seeds.length === 0) return null;
  const steps = seeds[0].steps;
  for (let i = 1; i < steps.length; i++) if (!(steps[i] > steps[i - 1])) return null;
  for (const seed of seeds) {
    if (seed.steps === steps) continue;
    if (seed.steps.length !== steps.length) return null;
    for (let i = 0; i < steps.length; i++) if (seed.steps[i] !== steps[i]) return null;
  }
  return steps;
}

/** The same statistics as aggregateRagged, in the same order of summation, without a map per step. */
function aggregateAligned(seeds: readonly StepValues[], steps: ArrayLike<number>): GroupAggregate {
  const out = emptyAggregate(Array.from(steps));
  const finite = new Float64Array(seeds.length);
  for (let i = 0; i < steps.length; i++) {
    let n = 0;
    for (const seed of seeds) {
      const v = seed.values[i];
      if (v !== null && Number.isFinite(v)) finite[n++] = v;
    }
    pushStats(out, sampleStats(finite, n));
  }
  return out;
}

function aggregateRagged(seriesPerSeed: readonly StepValues[]): GroupAggregate {
  const byStep = new Map<number, number[]>();
  for (const seed of seriesPerSeed) {
    for (let i = 0; i < seed.steps.length; i++) {
      const step = seed.steps[i];
      let bucket = byStep.get(step);
      if (!bucket) byStep.set(step, (bucket = []));
      const v = seed.values[i];
      if (v !== null && Number.isFinite(v)) bucket.push(v);
    }
  }
  const out = emptyAggregate([...byStep.keys()].sort((a, b) => a - b));
  for (const step of out.steps) {
    const bucket = byStep.get(step) as number[];
    pushStats(out, sampleStats(bucket, bucket.length));
  }
  return out;
}

function emptyAggregate(steps: number[]): GroupAggregate {
  return { steps, n: [], mean: [], std: [], sem: [], min: [], max: [] };
}

function pushStats(out: GroupAggregate, stats: ReturnType<typeof sampleStats>): void {
  out.n.push(stats.n);
  out.mean.push(stats.mean);
  out.std.push(stats.std);
  out.sem.push(stats.std === null ? null : stats.std / Math.sqrt(stats.n));
  out.min.push(stats.min);
  out.max.push(stats.max);
}

/** Two-pass mean and sample variance of xs[0..n) (stable for values far from 0, e.g. token counts). */
function sampleStats(xs: ArrayLike<number>, n: number) {
  if (n === 0) return { n, mean: null, std: null, min: null, max: null };
  let sum = 0;
  let min = xs[0];
  let max = xs[0];
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / n;
  if (n < 2) return { n, mean, std: null, min, max };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i] - mean) * (xs[i] - mean);
  return { n, mean, std: Math.sqrt(ss / (n - 1)), min, max };
}
