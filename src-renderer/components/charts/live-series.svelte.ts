/**
 * Series of runs for charts, kept current while runs train. `load()` reads the runs (by id and by
 * seed group) and their series through the API; `connect()` follows lab events: each `run.progress`
 * (and the final `run.changed`) of a run shown fetches only the new steps (`runs.series` with
 * `from`) and appends them, so a chart updates in place without reloading what it already has.
 */
import {
  ApiError,
  type FigureRunInput,
  type FigureSpec,
  type LabEvent,
  type RunRecord,
} from '../../../src-main/contract';
import { app } from '../../lib/context';
import { followLive, LiveResult, type LiveSource, type LoadState } from '../../lib/live.svelte';
import type { LabClient } from '../../lib/transport';
import { appendSeries, lastStepOf, requestedRuns, SerialTasks, seriesRequestOf, type SeriesRequest } from './series';

export { appendSeries, lastStepOf, seriesRequestOf, type SeriesRequest } from './series';

/**
 * New steps reach `inputs` at most this often: every publish rebuilds each chart drawn from the data
 * (for 20 runs x 10,000 steps a few hundred ms), and runs report progress several times a second.
 */
const PUBLISH_MS = 400;

export interface LiveSeriesOptions {
  /** Where the run list comes from (the app's runs store); by default `runs.list` is read. */
  listRuns?: () => Promise<RunRecord[]>;
}

export class LiveSeries implements LiveSource {
  /** What the charts draw: the newest data, published at most every PUBLISH_MS. */
  #shown = new LiveResult<FigureRunInput[]>();
  readonly request: SeriesRequest;
  #client: LabClient;
  #listRuns: () => Promise<RunRecord[]>;
  /** Ids whose events arrived while a load was in flight; caught up once it lands. */
  #missed: number[] | null = null;
  #fetches = new SerialTasks<number>();
  /** The newest data, ahead of the shown value by at most PUBLISH_MS. */
  #working: FigureRunInput[] = [];
  #publishTimer: ReturnType<typeof setTimeout> | null = null;
  #publishedAt = 0;

  constructor(client: LabClient, request: SeriesRequest, options: LiveSeriesOptions = {}) {
    this.#client = client;
    this.request = request;
    this.#listRuns = options.listRuns ?? (() => client.api['runs.list']({}));
  }

  /** Raw state: series are large and replaced whole, never deeply proxied. */
  get inputs(): FigureRunInput[] {
    return this.#shown.value ?? [];
  }

  get state(): LoadState {
    return this.#shown.state;
  }

  get error() {
    return this.#shown.error;
  }

  /** Reads every run and series again; the shown data stays until the new data is in. */
  async load(): Promise<void> {
    this.#missed = [];
    const loading = this.#shown.load(async () => {
      const runs = await this.#runs();
      const keys = [...this.request.keys];
      return Promise.all(
        runs.map(async (run) => ({ run, series: await this.#client.api['runs.series']({ id: run.id, keys }) })),
      );
    });
    // Taken after the read started: false once a newer load (or a disconnect) owns what follows.
    const current = this.#shown.guard();
    const loaded = await loading;
    if (!current()) return;
    const missed = this.#missed ?? [];
    this.#missed = null;
    if (!loaded) return;
    this.#publishNow();
    for (const id of missed.filter((id, i) => missed.indexOf(id) === i)) this.#extend(id);
  }

  /** Follows lab events (and reloads after a lost event stream); returns the unsubscribe. */
  connect(): () => void {
    const offEvent = this.#client.onEvent((event) => this.#onEvent(event));
    const offResync = this.#client.onResync(() => void this.load());
    return () => {
      this.#shown.drop();
      if (this.#publishTimer) clearTimeout(this.#publishTimer);
      this.#publishTimer = null;
      offEvent();
      offResync();
    };
  }

  /** The loaded data becomes the working data, shown at once. */
  #publishNow(): void {
    if (this.#publishTimer) clearTimeout(this.#publishTimer);
    this.#publishTimer = null;
    this.#working = this.inputs;
    this.#publishedAt = Date.now();
  }

  /** Takes `next` as the newest data; shown with the next publish. */
  #set(next: FigureRunInput[]): void {
    this.#working = next;
    if (this.#publishTimer) return;
    this.#publishTimer = setTimeout(
      () => {
        this.#publishTimer = null;
        this.#publishedAt = Date.now();
        this.#shown.set(this.#working);
      },
      Math.max(0, this.#publishedAt + PUBLISH_MS - Date.now()),
    );
  }

  async #runs(): Promise<RunRecord[]> {
    const { runs, groups } = this.request;
    if (runs.length === 0 && groups.length === 0) return [];
    return requestedRuns(await this.#listRuns(), this.request);
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
      const current = this.#shown.guard();
      const input = this.#working.find((i) => i.run.id === id);
      if (!input) return;
      try {
        const from = lastStepOf(input.series) + 1;
        const fresh = await this.#client.api['runs.series']({ id, keys: [...this.request.keys], from });
        if (!current()) return;
        this.#set(
          this.#working.map((i) => (i.run.id === id ? { run: i.run, series: appendSeries(i.series, fresh) } : i)),
        );
      } catch (err) {
        // A failed catch-up leaves the chart as it was; the next event (or a resync) tries again.
        console.warn(`cliplab: could not fetch new steps of run ${id}:`, ApiError.of(err).message);
      }
    });
  }
}

/**
 * The series of the figure `spec()` describes (none while it is null), loaded and kept current while
 * the calling component lives. Only the runs, groups and keys decide what is loaded: restyling a
 * figure never refetches. Call it while a component initialises: it creates an effect.
 */
export function followSeries(spec: () => Pick<FigureSpec, 'runs' | 'groups' | 'metrics' | 'xAxis'> | null): {
  readonly current: LiveSeries | null;
} {
  const { client, runs } = app();
  const requestKey = $derived.by(() => {
    const wanted = spec();
    return wanted ? JSON.stringify(seriesRequestOf(wanted)) : '';
  });
  const loader = $derived(
    requestKey ? new LiveSeries(client, JSON.parse(requestKey), { listRuns: () => runs.list() }) : null,
  );
  followLive(() => loader);
  return {
    get current() {
      return loader;
    },
  };
}
