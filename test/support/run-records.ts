/** Run records for tests of the transports and the UI. Plain data, no Node imports (the renderer tests use it too). */
import { groupKey, presetConfig, type LocalRun, type RunRecord } from '../../src-main/contract';

/** A local run made from a real preset; `overrides` change any top-level field. */
export function localRun(id: number, overrides: Partial<LocalRun> = {}, preset = 'tabular-random-sym'): RunRecord {
  const config = { ...presetConfig(preset), name: overrides.name ?? `run ${id}`, seed: overrides.seed ?? id };
  return {
    id,
    name: config.name,
    origin: 'local',
    status: 'completed',
    config,
    source: null,
    groupKey: groupKey(config),
    seed: config.seed,
    backend: 'wasm',
    backendDetail: 'wasm (XNNPACK, SIMD, 1 thread per process)',
    appVersion: '0.1.0',
    createdAt: new Date(Date.UTC(2025, 0, 1, 12, id)).toISOString(),
    startedAt: null,
    finishedAt: null,
    error: null,
    notes: '',
    tags: [],
    step: config.steps - 1,
    steps: config.steps,
    latest: { entropy: 1.5, 'reward/mean': 0.5, 'eval/acc': 0.25 },
    ...overrides,
  };
}
