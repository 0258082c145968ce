/**
 * The run worker in this process (what `cliplab train` does): every step stored once, checkpoints,
 * cancel from another connection, interruption and resume, base models built once and reused.
 */
import { describe, expect, it } from 'vitest';
import {
  EVAL_METRICS,
  EXACT_ATTRIBUTION_METRICS,
  METRIC,
  STEP_METRICS,
  type RunConfig,
} from '../../../src-main/contract';
import { createLocalRun, readRun, type LabService } from '../../../src-main/lab';
import { decodeCheckpoint } from '../../../src-main/lab/runner/codec';
import { trainInForeground } from '../../../src-main/lab/runner/foreground';
import type { StopReason, WorkerMessage } from '../../../src-main/lab/runner';
import { openStore } from '../../../src-main/store';
import { openLab, tinyGpt, tinyTabular, untimedMetrics } from './helpers';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

async function train(lab: LabService, config: RunConfig, hooks: Partial<Parameters<typeof trainInForeground>[2]> = {}) {
  const { id } = createLocalRun(lab.context, config);
  const messages: WorkerMessage[] = [];
  const outcome = await trainInForeground(lab.context, id, {
    resume: false,
    report: (m) => messages.push(m),
    ...hooks,
  });
  return { id, outcome, messages };
}

describe('run worker', () => {
  it('trains a run to the end: every metric at every step exactly once, samples, a final checkpoint', async () => {
    const lab = openLab();
    const config = tinyTabular();
    const { id, outcome, messages } = await train(lab, config);
    expect(outcome).toEqual({ runId: id, status: 'completed', error: null });
    const run = readRun(lab.context, id);
    expect(run).toMatchObject({ status: 'completed', backend: 'cpu', step: 7, error: null });
    const metrics = lab.context.store.series(id, [...STEP_METRICS, ...EVAL_METRICS]);
    const optional = new Set<string>([METRIC.clipLowGap, METRIC.clipHighGap]);
    // The exact attribution's keys exist on the steps its config attributes (every 10th: step 0 here).
    const attributed = range(8).filter((step) => step % config.attribution.every === 0);
    for (const s of metrics.filter((m) => STEP_METRICS.includes(m.key as never) && !optional.has(m.key))) {
      const exact = EXACT_ATTRIBUTION_METRICS.includes(s.key as never);
      expect(s.steps, s.key).toEqual(exact ? attributed : range(8));
      expect(
        s.values.every((v) => v !== null && Number.isFinite(v)),
        s.key,
      ).toBe(true);
      expect(
        s.times.every((t) => t !== null && t >= 0),
        s.key,
      ).toBe(true);
    }
    for (const s of metrics.filter((m) => EVAL_METRICS.includes(m.key as never))) expect(s.steps).toEqual([0, 3, 6, 7]);
    expect(lab.context.store.sampleSteps(id)).toEqual(range(8));
    expect(lab.context.store.checkpointSteps(id)).toEqual([5, 7]); // every 3 steps and at the end, 2 kept
    const last = decodeCheckpoint(lab.context.store.latestCheckpoint(id)!.data).state;
    expect(last.step).toBe(8);
    const progress = messages.filter((m) => m.type === 'progress');
    expect(progress.at(-1)).toMatchObject({ step: 7, steps: 8 });
    expect(messages.filter((m) => m.type === 'status').map((m) => m.status)).toEqual(['running', 'completed']);
  });

  it('stops after the step in flight when another process asks to cancel, keeping its data', async () => {
    const lab = openLab();
    const other = openStore(lab.dbPath);
    const { id, outcome } = await train(lab, tinyTabular({ steps: 60 }), {
      report: (m) => {
        if (m.type === 'progress') other.requestStop(m.runId, 'cancelled');
      },
    });
    other.close();
    expect(outcome.status).toBe('cancelled');
    const { store } = lab.context;
    const last = store.lastStep(id)!;
    expect(last).toBeLessThan(59);
    expect(store.series(id, [METRIC.entropy])[0].steps).toEqual(range(last + 1));
    expect(store.checkpointSteps(id).at(-1)).toBe(last); // checkpointed on the way out
    expect(store.stopRequest(id)).toBeNull();
    expect(readRun(lab.context, id)).toMatchObject({ status: 'cancelled', error: null });
  });

  it('an interrupted run resumes to the same metrics as an uninterrupted one, timings aside', async () => {
    const lab = openLab();
    const config = tinyTabular({ steps: 10 });
    const reference = await train(lab, config);
    let current = 0;
    // Ctrl-C once step 4 is stored: the worker checkpoints there and stops.
    const stopRequested = (): StopReason | null =>
      (lab.context.store.lastStep(current) ?? -1) >= 4 ? 'interrupted' : null;
    const { id, outcome } = await train(lab, config, { stopRequested, report: (m) => (current = m.runId) });
    expect(outcome.status).toBe('interrupted');
    expect(readRun(lab.context, id)).toMatchObject({ status: 'interrupted', step: 4 });
    expect(lab.context.store.checkpointSteps(id)).toEqual([2, 4]);
    const resumed = await trainInForeground(lab.context, id, { resume: true, report: () => {} });
    expect(resumed.status).toBe('completed');
    const { store } = lab.context;
    expect(untimedMetrics(store, id)).toEqual(untimedMetrics(store, reference.id));
    for (const step of range(10)) expect(store.samplesJson(id, step)).toBe(store.samplesJson(reference.id, step));
  });

  it('builds a base model once, stores it, and reuses it for every run that names it', async () => {
    const lab = openLab();
    const first = await train(lab, tinyGpt({ steps: 2 }));
    const second = await train(lab, tinyGpt({ steps: 2, seed: 9, reward: { kind: 'bernoulli', p: 0.5 } }));
    expect([first.outcome.status, second.outcome.status]).toEqual(['completed', 'completed']);
    const phases = (msgs: WorkerMessage[]) => msgs.filter((m) => m.type === 'basemodel').map((m) => m.phase);
    expect(phases(first.messages)).toContain('building');
    expect(phases(first.messages).at(-1)).toBe('done');
    expect(phases(second.messages)).toEqual([]);
    expect(lab.context.store.listBaseModels()).toHaveLength(1);
    expect(lab.context.store.series(second.id, [METRIC.evalAcc])[0].steps).toEqual([0, 1]);
  });
});
