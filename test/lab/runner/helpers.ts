/** Small configs, labs on temporary databases, and waiting on runs, for the run-worker tests. */
import { afterEach } from 'vitest';
import { METRIC, mergeConfig, type RunConfig, type RunConfigInput, type RunRecord } from '../../../src-main/contract';
import { createLab, readRun, type LabService } from '../../../src-main/lab';
import type { TrainingOptions } from '../../../src-main/lab/runner';
import type { Store } from '../../../src-main/store';
import { tempDbPath } from '../../support/temp';

/** `base` with `over` merged in key by key (nested sections keep what `over` does not name). */
function merged(over: RunConfigInput, base: RunConfigInput): RunConfig {
  const result = mergeConfig(base, over);
  if (!result.ok) throw new Error(`bad test config: ${JSON.stringify(result.errors)}`);
  return result.value;
}

/** A bandit run that takes well under a second per step on the cpu backend. */
export function tinyTabular(over: RunConfigInput = {}): RunConfig {
  return merged(over, {
    seed: 3,
    steps: 8,
    task: { kind: 'bandit', prompts: 16, actions: 8, correct: 1 },
    policy: { kind: 'tabular', logitStd: 2 },
    reward: { kind: 'bernoulli', p: 0.5 },
    rollout: { prompts: 8, groupSize: 4 },
    objective: { clipLow: 0.2, clipHigh: 0.2 },
    optim: { optimizer: 'adam', lr: 0.3, epochs: 2, minibatches: 2, gradClip: 1 },
    eval: { every: 3, prompts: 16, k: 4 },
    log: { samplesPerStep: 1, checkpointEvery: 3 },
    backend: 'cpu',
  });
}

/** A GPT run with a tiny base model (few base steps), for the base-model and GPT resume paths. */
export function tinyGpt(over: RunConfigInput = {}): RunConfig {
  return merged(over, {
    seed: 2,
    steps: 6,
    task: { kind: 'reverse', size: 2 },
    policy: { kind: 'gpt', dModel: 16, layers: 1, heads: 2, base: { steps: 12, batchSize: 32, targetAcc: null } },
    reward: { kind: 'verifier' },
    rollout: { prompts: 6, groupSize: 4 },
    optim: { optimizer: 'adam', lr: 1e-3, epochs: 2, minibatches: 2 },
    eval: { every: 2, prompts: 12, k: 2 },
    log: { samplesPerStep: 1, checkpointEvery: 2 },
    backend: 'cpu',
  });
}

const labs: LabService[] = [];

afterEach(async () => {
  for (const lab of labs.splice(0)) await lab.close();
});

/** A lab on `dbPath` (a fresh temporary one by default), closed after the test. */
export function openLab(training: TrainingOptions = {}, dbPath = tempDbPath()): LabService {
  const lab = createLab({ dbPath, training });
  labs.push(lab);
  return lab;
}

export async function closeLab(lab: LabService): Promise<void> {
  labs.splice(labs.indexOf(lab), 1);
  await lab.close();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns a value (not undefined); fails with `what` after a long time. */
export async function waitFor<T>(what: string, check: () => T | undefined, limitMs = 240_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await sleep(25);
  }
}

const ENDED = new Set(['completed', 'failed', 'cancelled', 'interrupted', 'diverged']);

export function waitForEnd(lab: LabService, id: number): Promise<RunRecord> {
  return waitFor(`run ${id} to end`, () => {
    const run = readRun(lab.context, id);
    return ENDED.has(run.status) ? run : undefined;
  });
}

/** Metric keys whose values are wall-clock timings (legitimately differ between runs). */
export const TIMING_KEYS: readonly string[] = [METRIC.timeStep, METRIC.tokensPerS];

/** Every metric of a run but the timings: key -> { steps, values }. */
export function untimedMetrics(
  store: Store,
  id: number,
): Record<string, { steps: number[]; values: (number | null)[] }> {
  const keys = store
    .metricKeys(id)
    .map((k) => k.key)
    .filter((k) => !TIMING_KEYS.includes(k));
  return Object.fromEntries(store.series(id, keys).map((s) => [s.key, { steps: s.steps, values: s.values }]));
}
