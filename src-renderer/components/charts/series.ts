/** Pure helpers of live series: what a figure needs loaded, which runs a request names, appending new steps. */
import { ApiError, X_AXES, type FigureSpec, type RunRecord, type Series } from '../../../src-main/contract';

export interface SeriesRequest {
  runs: readonly number[];
  /** Seed groups (group keys): every run currently in the group, including runs that join later. */
  groups: readonly string[];
  keys: readonly string[];
}

/** What a figure spec needs loaded: its runs and groups, its metrics and the x axis' own metrics. */
export function seriesRequestOf(spec: Pick<FigureSpec, 'runs' | 'groups' | 'metrics' | 'xAxis'>): SeriesRequest {
  return {
    runs: spec.runs,
    groups: spec.groups,
    keys: [...new Set([...spec.metrics, ...X_AXES[spec.xAxis].requires])],
  };
}

/**
 * The runs a request names, from the full run list: the listed ids (in order), then every run of
 * the listed groups. Throws a not_found ApiError naming ids that are not in the list.
 */
export function requestedRuns(all: readonly RunRecord[], request: SeriesRequest): RunRecord[] {
  const byId = new Map(all.map((r) => [r.id, r]));
  const missing = request.runs.filter((id) => !byId.has(id));
  if (missing.length > 0) {
    const fields = [{ path: 'runs', message: `no run with id ${missing.join(', ')}` }];
    throw new ApiError('not_found', `run${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found`, fields);
  }
  const picked = new Map(request.runs.map((id) => [id, byId.get(id) as RunRecord]));
  for (const run of all) if (request.groups.includes(run.groupKey)) picked.set(run.id, run);
  return [...picked.values()];
}

/** Last step with a point in any of the run's series; -1 when nothing is logged yet. */
export function lastStepOf(series: readonly Series[]): number {
  let last = -1;
  for (const s of series) if (s.steps.length > 0) last = Math.max(last, s.steps[s.steps.length - 1]);
  return last;
}

/** `known` with the points of `fresh` past each key's last step appended (new arrays; inputs untouched). */
export function appendSeries(known: readonly Series[], fresh: readonly Series[]): Series[] {
  const byKey = new Map(fresh.map((s) => [s.key, s]));
  return known.map((s) => {
    const more = byKey.get(s.key);
    if (!more || more.steps.length === 0) return s;
    const last = s.steps.length > 0 ? s.steps[s.steps.length - 1] : -Infinity;
    const start = more.steps.findIndex((step) => step > last);
    if (start < 0) return s;
    return {
      key: s.key,
      steps: s.steps.concat(more.steps.slice(start)),
      values: s.values.concat(more.values.slice(start)),
      times: s.times.concat(more.times.slice(start)),
    };
  });
}

/**
 * Runs at most one task per key at a time; asking again while one runs queues exactly one more run
 * after it (so a burst of progress events costs two fetches, not one per event).
 */
export class SerialTasks<K> {
  #running = new Set<K>();
  #again = new Set<K>();

  run(key: K, task: () => Promise<void>): void {
    if (this.#running.has(key)) {
      this.#again.add(key);
      return;
    }
    this.#running.add(key);
    void task().finally(() => {
      this.#running.delete(key);
      if (this.#again.delete(key)) this.run(key, task);
    });
  }
}
