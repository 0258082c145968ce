/**
 * How many threads a run computes with (issue 20). A run's `threads` setting wins; without one it
 * gets its share of the cores that runs already training leave free, split evenly among the runs
 * starting together (so three runs queued at once on 8 cores get 2 each, not 6, 1, 1), and at
 * least one. The count is fixed when the run's worker starts (the wasm module starts once per
 * process): a run started alone keeps its cores when others start later, and those get what is left.
 * Threads never change results (test/engine/wasm-threads.test.ts), only speed.
 */
import os from 'node:os';
import type { Store } from '../../store';
import { liveRunIds } from './liveness';

/** The `threads` setting stored in a run's config, or null (none, or no config). */
export function configuredThreads(store: Store, runId: number): number | null {
  const text = store.getRun(runId)?.config;
  if (!text) return null;
  const threads = (JSON.parse(text) as { threads?: unknown }).threads;
  return typeof threads === 'number' && Number.isInteger(threads) && threads >= 1 ? threads : null;
}

/**
 * Cores held by live runs other than `except`: what this process gave its own workers (`known`),
 * else a run's own setting, else one (a run another process started without a setting).
 */
export function coresTaken(store: Store, known: ReadonlyMap<number, number>, except?: number): number {
  return liveRunIds(store)
    .filter((id) => id !== except)
    .reduce((sum, id) => sum + (known.get(id) ?? configuredThreads(store, id) ?? 1), 0);
}

/** An even share of the free cores for each of `starting` runs, at least one. */
export function shareOfFreeCores(cores: number, taken: number, starting: number): number {
  return Math.max(1, Math.floor((cores - taken) / Math.max(1, starting)));
}

/** The machine's cores, as the queue counts them. */
export function machineCores(): number {
  return os.availableParallelism();
}
