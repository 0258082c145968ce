/**
 * A sweep before it starts (issue 14): its cells, which of them already have a run (so launching the
 * same grid twice does not train it twice), and how long the new ones would take on this machine,
 * from step times earlier runs measured here. Nothing is guessed: a cell whose policy and task were
 * never timed here is counted as unknown, and the basis says so.
 */
import {
  canonicalJson,
  formatDuration,
  formatNumber,
  groupKey,
  METRIC,
  runConfigSchema,
  validateWith,
  type RunConfig,
  type RunStatus,
  type SweepCell,
  type SweepEstimate,
  type SweepPlan,
} from '../../contract';
import { baseModelKey } from '../../engine/base-model';
import type { LabContext } from '../context';
import { controlConfig, planSweep, type PlannedRun, type SweepRequest } from './plans';

/** Runs worth keeping instead of training the cell again: done, training, waiting or resumable. */
export const REUSABLE_STATUSES: readonly RunStatus[] = ['completed', 'diverged', 'running', 'queued', 'interrupted'];

interface LocalRunRow {
  id: number;
  status: RunStatus;
  seed: number | null;
  groupKey: string;
  config: RunConfig | null;
}

function localRuns(ctx: LabContext): LocalRunRow[] {
  return ctx.store.listRuns().flatMap((row) => {
    if (row.origin !== 'local' || row.config === null) return [];
    const parsed = validateWith(runConfigSchema, JSON.parse(row.config));
    const config = parsed.ok ? parsed.value : null;
    return [{ id: row.id, status: row.status as RunStatus, seed: row.seed, groupKey: row.groupKey, config }];
  });
}

/** `groupKey|seed` -> the oldest reusable run of that config and seed. */
function existingByCell(runs: readonly LocalRunRow[]): Map<string, { id: number; status: RunStatus }> {
  const out = new Map<string, { id: number; status: RunStatus }>();
  for (const r of runs) {
    const key = `${r.groupKey}|${r.seed}`;
    if (REUSABLE_STATUSES.includes(r.status) && !out.has(key)) out.set(key, { id: r.id, status: r.status });
  }
  return out;
}

export function sweepCells(ctx: LabContext, plan: readonly PlannedRun[], grid: SweepRequest['grid']): SweepCell[] {
  const existing = existingByCell(localRuns(ctx));
  return plan.map(({ config, name }) => ({
    values: Object.fromEntries(Object.keys(grid).map((path) => [path, readPath(config, path)])),
    seed: config.seed,
    name,
    steps: config.steps,
    existing: existing.get(`${groupKey(config)}|${config.seed}`) ?? null,
  }));
}

function readPath(config: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), config);
}

/**
 * What sets a step's cost: the policy and its size, the task, the batch, the updates per rollout, the
 * loss and the backend. Runs that agree on these take the same time per step, whatever their seeds
 * and clip settings.
 */
export function timingKey(config: RunConfig): string {
  const policy = config.policy.kind === 'gpt' ? { ...config.policy, base: null } : config.policy;
  return canonicalJson({
    task: config.task,
    policy,
    rollout: config.rollout,
    epochs: config.optim.epochs,
    minibatches: config.optim.minibatches,
    loss: config.objective.loss,
    backend: config.backend,
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median measured seconds per training step of each timed local run, by timing key. */
function measuredStepTimes(ctx: LabContext, runs: readonly LocalRunRow[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const run of runs) {
    if (!run.config) continue;
    const [series] = ctx.store.series(run.id, [METRIC.timeStep]);
    const times = (series?.values ?? []).filter((v): v is number => v !== null && Number.isFinite(v) && v > 0);
    if (times.length === 0) continue;
    const key = timingKey(run.config);
    out.set(key, [...(out.get(key) ?? []), median(times)]);
  }
  return out;
}

export function estimateSweep(
  ctx: LabContext,
  toTrain: readonly RunConfig[],
  maxConcurrent: number,
  runs: readonly LocalRunRow[] = localRuns(ctx),
): SweepEstimate {
  const measured = measuredStepTimes(ctx, runs);
  let total = 0;
  let estimated = 0;
  const used = new Map<string, number[]>();
  for (const config of toTrain) {
    const key = timingKey(config);
    const times = measured.get(key);
    if (!times) continue;
    used.set(key, times);
    total += config.steps * median(times);
    estimated++;
  }
  const parallel = Math.max(1, Math.min(maxConcurrent, toTrain.length));
  const baseModels = new Set(toTrain.filter((c) => c.policy.kind === 'gpt').map((c) => baseModelKey(c)));
  const missingBases = [...baseModels].filter((key) => !ctx.store.getBaseModel(key)).length;
  const basis: string[] = [];
  if (estimated > 0) {
    const timed = [...used.values()].reduce((n, t) => n + t.length, 0);
    const perStep = median([...used.values()].flat());
    basis.push(
      `${estimated} of ${toTrain.length} runs estimated from ${timed} run(s) with the same policy, task, batch and backend timed on this machine (median ${formatNumber(perStep, 2)} s per training step); ${formatDuration(total)} of training, about ${formatDuration(total / parallel)} with ${parallel} at once`,
    );
    basis.push(
      'evaluation steps and the queue add to this; runs training at once share the cores, so each may go slower',
    );
  }
  if (estimated < toTrain.length) {
    basis.push(
      `${toTrain.length - estimated} run(s) have a policy, task or batch no run has been timed with here yet: no estimate for them (one finished run of each gives one)`,
    );
  }
  if (missingBases > 0) {
    basis.push(
      `${missingBases} GPT base model(s) must be trained first (supervised steps before the first run that needs each)`,
    );
  }
  return {
    totalSeconds: estimated > 0 ? total : null,
    wallSeconds: estimated > 0 ? total / parallel : null,
    parallel,
    estimated,
    unknown: toTrain.length - estimated,
    baseModels: missingBases,
    basis,
  };
}

/** The plan of a sweep request: validated like `sweeps.start` (a bad value throws the same error). */
export function sweepPlan(
  ctx: LabContext,
  req: SweepRequest & { skipExisting: boolean; controlP?: number },
  maxConcurrent: number,
): SweepPlan & { planned: PlannedRun[] } {
  const planned = planSweep(req);
  const cells = sweepCells(ctx, planned, req.grid);
  const train = planned.filter((_, i) => !req.skipExisting || cells[i].existing === null);
  const toTrain = train.map((p) => p.config);
  const controls = req.control ? toTrain.map((c) => controlConfig(c, req.controlP ?? 0.5)) : [];
  return {
    cells,
    planned: train,
    toCreate: toTrain.length + controls.length,
    existing: cells.filter((c) => c.existing !== null).length,
    estimate: estimateSweep(ctx, [...toTrain, ...controls], maxConcurrent),
  };
}
