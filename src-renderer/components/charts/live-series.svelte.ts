/**
 * Series of runs for charts, kept current while runs train. `load()` reads the runs (by id and by
 * seed group) and their series through the API; `connect()` follows lab events: each `run.progress`
 * (and the final `run.changed`) of a run shown fetches only the new steps (`runs.series` with
 * `from`) and appends them, so a chart updates in place without reloading what it already has.
 */
import type { ApiError, FigureRunInput, FigureSpec, LabEvent, RunRecord } from '../../../src-main/contract';
import type { LabClient } from '../../lib/api';
import { followLive, type LoadState } from '../../lib/live.svelte';
import {
  appendSeries,
  lastStepOf,
  requestedRuns,
  SerialTasks,
  seriesRequestOf,
  toApiError,
  type SeriesRequest,
} from './series';

export { appendSeries, lastStepOf, seriesRequestOf, toApiError, type SeriesRequest } from './series';

export type { LoadState } from '../../lib/live.svelte';

/**
 * New steps reach `inputs` at most this often: every publish rebuilds each chart drawn from the data
 * (for 20 runs x 10,000 steps a few hundred ms), and runs report progress several times a second.
 */
const PUBLISH_MS = 400;

export class LiveSeries {
  /** Raw state: series are large and replaced whole, never deeply proxied. */
  inputs: FigureRunInput[] = $state.raw([]);
  state: LoadState = $state('loading');
  error: ApiError | null = $state(null);
  readonly request: SeriesRequest;
  #client: LabClient;
  #generation = 0;
  /** Ids whose events arrived while a load was in flight; caught up once it lands. */
  #missed: number[] | null = null;
  #fetches = new SerialTasks<number>();
  /** The newest data, ahead of `inputs` by at most PUBLISH_MS. */
  #working: FigureRunInput[] = [];
  #publishTimer: ReturnType<typeof setTimeout> | null = null;
  #publishedAt = 0;

  constructor(client: LabClient, request: SeriesRequest) {
    this.#client = client;
    this.request = request;
  }

  /** Reads every run and series again; the shown data stays until the new data is in. */
  async load(): Promise<void> {
    const generation = ++this.#generation;
    this.#missed = [];
    if (this.state === 'error') this.state = 'loading';
    try {
      const runs = await this.#runs();
      const keys = [...this.request.keys];
      const inputs = await Promise.all(
        runs.map(async (run) => ({ run, series: await this.#client.api['runs.series']({ id: run.id, keys }) })),
      );
      if (generation !== this.#generation) return;
      this.#set(inputs, true);
      this.state = 'ready';
      this.error = null;
      const missed = this.#missed;
      this.#missed = null;
      for (const id of missed.filter((id, i) => missed.indexOf(id) === i)) this.#extend(id);
    } catch (err) {
      if (generation !== this.#generation) return;
      this.#missed = null;
      this.error = toApiError(err);
      this.state = 'error';
    }
  }

  /** Follows lab events (and reloads after a lost event stream); returns the unsubscribe. */
  connect(): () => void {
    const offEvent = this.#client.onEvent((event) => this.#onEvent(event));
    const offResync = this.#client.onResync(() => void this.load());
    return () => {
      this.#generation++;
      if (this.#publishTimer) clearTimeout(this.#publishTimer);
      this.#publishTimer = null;
      offEvent();
      offResync();
    };
  }

  /** Takes `next` as the newest data; shows it now, or with the next publish. */
  #set(next: FigureRunInput[], now = false): void {
    this.#working = next;
    const publish = () => {
      this.#publishTimer = null;
      this.#publishedAt = Date.now();
      this.inputs = this.#working;
    };
    if (now) {
      if (this.#publishTimer) clearTimeout(this.#publishTimer);
      publish();
    } else if (!this.#publishTimer) {
      this.#publishTimer = setTimeout(publish, Math.max(0, this.#publishedAt + PUBLISH_MS - Date.now()));
    }
  }

  async #runs(): Promise<RunRecord[]> {
    const { runs, groups } = this.request;
    if (runs.length === 0 && groups.length === 0) return [];
    return requestedRuns(await this.#client.api['runs.list']({}), this.request);
  }

  #onEvent(event: LabEvent): void {
    const shown = (id: number) => this.#working.some((i) => i.run.id === id);
    if (event.name === 'run.progress' || event.name === 'run.changed') {
      const id = event.name === 'run.progress' ? event.payload.id : event.payload.run.id;
      if (this.#missed) {
        this.#missed.push(id);
        return;
      }
      if (event.name === 'run.changed') this.#onChanged(event.payload.run);
      if (shown(id)) this.#extend(id);
    } else if (event.name === 'run.deleted') {
      const gone = event.payload.ids;
      if (this.#working.some((i) => gone.includes(i.run.id))) {
        this.#set(this.#working.filter((i) => !gone.includes(i.run.id)));
      }
    }
  }

  /** A shown run's record is replaced (status, name); a new seed of a shown group brings a reload. */
  #onChanged(run: RunRecord): void {
    if (this.#working.some((i) => i.run.id === run.id)) {
      this.#set(this.#working.map((i) => (i.run.id === run.id ? { run, series: i.series } : i)));
    } else if (this.request.groups.includes(run.groupKey)) {
      void this.load();
    }
  }

  /** Fetches the run's steps after the last one shown; one request per run at a time. */
  #extend(id: number): void {
    this.#fetches.run(id, async () => {
      const generation = this.#generation;
      const input = this.#working.find((i) => i.run.id === id);
      if (!input) return;
      try {
        const from = lastStepOf(input.series) + 1;
        const fresh = await this.#client.api['runs.series']({ id, keys: [...this.request.keys], from });
        if (generation !== this.#generation) return;
        this.#set(
          this.#working.map((i) => (i.run.id === id ? { run: i.run, series: appendSeries(i.series, fresh) } : i)),
        );
      } catch (err) {
        // A failed catch-up leaves the chart as it was; the next event (or a resync) tries again.
        console.warn(`cliplab: could not fetch new steps of run ${id}:`, toApiError(err).message);
      }
    });
  }
}

/**
 * The series of the figure `spec()` describes (none while it is null), loaded and kept current while
 * the calling component lives. Only the runs, groups and keys decide what is loaded: restyling a
 * figure never refetches. Call it while a component initialises: it creates an effect.
 */
export function followSeries(
  client: () => LabClient,
  spec: () => Pick<FigureSpec, 'runs' | 'groups' | 'metrics' | 'xAxis'> | null,
): { readonly current: LiveSeries | null } {
  const requestKey = $derived.by(() => {
    const wanted = spec();
    return wanted ? JSON.stringify(seriesRequestOf(wanted)) : '';
  });
  const loader = $derived(requestKey ? new LiveSeries(client(), JSON.parse(requestKey)) : null);
  followLive(() => loader);
  return {
    get current() {
      return loader;
    },
  };
}
