/**
 * What users start, before anything is stored: random-reward control twins and sweep plans. A sweep
 * is validated whole (every grid point x seed) before its first run is created, so a bad value
 * never leaves half a sweep behind.
 */
import {
  ApiError,
  applyOverrides,
  ConfigPathError,
  expandGrid,
  findPreset,
  gridSize,
  MAX_SWEEP_RUNS,
  PRESETS,
  readConfigPath,
  settingText,
  type FieldError,
  type RunConfig,
  type RunRecord,
} from '../../contract';
import type { LabContext } from '../context';
import { createLocalRun, describeConfig } from '../create-run';
import { announceRun, readRun } from '../records';
import { meanReward } from './results';

/** The twin of a config: same everything and seed, rewards Bernoulli(p) independent of the response. */
export function controlConfig(config: RunConfig, p: number): RunConfig {
  return { ...config, reward: { kind: 'bernoulli', p } };
}

/**
 * Stores the random-reward control of run `runId` (status queued, not yet in the queue), linked to it.
 * `p` defaults to the run's mean reward.
 */
export function createControlRun(ctx: LabContext, runId: number, p?: number): RunRecord {
  const run = readRun(ctx, runId);
  if (run.origin !== 'local') throw new ApiError('bad_request', `run ${runId} was imported; it has no config to twin`);
  if (run.config.reward.kind === 'bernoulli') {
    throw new ApiError('bad_request', `run ${runId} already has random (Bernoulli) rewards: it is a control itself`);
  }
  const prob = p ?? meanReward(ctx, runId);
  if (prob === null) {
    throw new ApiError('bad_request', `run ${runId} has no reward/mean yet; give p (0 to 1) for its control`, [
      { path: 'p', message: 'expected a reward probability: the run has not logged reward/mean yet' },
    ]);
  }
  const p4 = Math.round(prob * 1e4) / 1e4;
  const twin = createLocalRun(ctx, controlConfig(run.config, p4), { name: `${run.name} · control p=${p4}` });
  ctx.store.setControlOf(twin.id, runId);
  return announceRun(ctx, twin.id);
}

export interface SweepRequest {
  config?: Record<string, unknown>;
  preset?: string;
  grid: Record<string, unknown[]>;
  seeds: number;
  control: boolean;
  name?: string;
}

export interface PlannedRun {
  config: RunConfig;
  name: string;
}

function baseOf(req: SweepRequest): { input: unknown; label: string | null } {
  if (req.preset === undefined) return { input: req.config ?? {}, label: null };
  const preset = findPreset(req.preset);
  if (!preset) {
    throw new ApiError('bad_request', `unknown preset "${req.preset}"`, [
      { path: 'preset', message: `expected one of ${PRESETS.map((p) => p.name).join(', ')}` },
    ]);
  }
  return { input: preset.config, label: preset.name };
}

/** `prefix clipLow=0.1 clipHigh=off seed 2`: each grid key with the value the run really has. */
function pointName(prefix: string, combo: Record<string, unknown>, config: RunConfig): string {
  const parts = Object.keys(combo).map((k) => `${k.split('.').pop()}=${settingText(k, readConfigPath(config, k))}`);
  return [prefix, ...parts, `seed ${config.seed}`].join(' ');
}

function sweepErrors(combo: Record<string, unknown>, errors: readonly FieldError[]): ApiError {
  const where =
    Object.entries(combo)
      .map(([k, v]) => `${k}=${settingText(k, v)}`)
      .join(', ') || 'the base config';
  const fields = errors.map((e) => ({ path: e.path, message: `${e.message} (at ${where})` }));
  return new ApiError(
    'bad_request',
    `invalid sweep: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
    fields,
  );
}

/** Every run of a sweep (grid points x seeds), validated. Throws a bad_request naming the field. */
export function planSweep(req: SweepRequest): PlannedRun[] {
  if ('seed' in req.grid && req.seeds > 1) {
    throw new ApiError('bad_request', 'grid: "seed" is in the grid; give seeds: 1 or drop it from the grid', [
      { path: 'seeds', message: 'expected 1 when the grid sets seed' },
    ]);
  }
  const total = gridSize(req.grid) * req.seeds * (req.control ? 2 : 1);
  if (total > MAX_SWEEP_RUNS) {
    throw new ApiError('bad_request', `the sweep would create ${total} runs; at most ${MAX_SWEEP_RUNS} per sweep`);
  }
  const base = baseOf(req);
  let combos: Record<string, unknown>[];
  try {
    combos = expandGrid(req.grid);
  } catch (err) {
    if (err instanceof ConfigPathError)
      throw sweepErrors({}, [{ path: `grid.${err.path}`, message: 'expected values' }]);
    throw err;
  }
  const plan: PlannedRun[] = [];
  for (const combo of combos) {
    const point = applyOverrides(
      base.input,
      Object.entries(combo).map(([path, value]) => ({ path, value })),
    );
    if (!point.ok) throw sweepErrors(combo, point.errors);
    const prefix =
      req.name ??
      base.label ??
      (point.value.name || describeConfig({ ...point.value, seed: 0 }).replace(/ seed 0$/, ''));
    for (let s = 0; s < req.seeds; s++) {
      const config = { ...point.value, seed: point.value.seed + s };
      plan.push({ config, name: pointName(prefix, combo, config) });
    }
  }
  return plan;
}
