/**
 * The app's one list of runs, kept current by lab events: every page that shows runs (Runs,
 * Compare, Diagnostics, the charts' seed groups) reads this store from the app context instead of
 * listing runs itself. It follows events while any component follows it, and events that arrive
 * while the list is loading are replayed on top of it, so a run that changes during a fetch is not
 * lost.
 */
import type { LabEvent, RunRecord } from '../../src-main/contract';
import { LiveResult, type LiveSource, type LoadState } from './live.svelte';
import { applyRunEvent, sortRuns } from './runs';
import type { LabClient } from './transport';

export class RunsStore implements LiveSource {
  #list = new LiveResult<RunRecord[]>();
  #client: LabClient;
  /** Components following the store; events are followed while there is one. */
  #followers = 0;
  #unsubscribe: (() => void) | null = null;
  /** The newest read in flight, which `list()` waits for rather than reading again. */
  #loading: Promise<void> | null = null;

  constructor(client: LabClient) {
    this.#client = client;
  }

  /** Newest first. */
  get runs(): RunRecord[] {
    return this.#list.value ?? [];
  }

  get state(): LoadState {
    return this.#list.state;
  }

  get error() {
    return this.#list.error;
  }

  /** Reads the list again. */
  load(): Promise<void> {
    const loading = this.#list
      .load(async () => sortRuns(await this.#client.api['runs.list']({})))
      .then(() => {
        if (this.#loading === loading) this.#loading = null;
      });
    this.#loading = loading;
    return loading;
  }

  /**
   * The runs, for a loader that needs the list (a chart's seed groups): the current list while
   * events keep it current, else the read in flight, else a new read. Throws the read's error.
   */
  async list(): Promise<RunRecord[]> {
    const current = this.state === 'ready' && this.#followers > 0;
    if (!current) await (this.#loading ?? this.load());
    if (this.state === 'error' && this.error) throw this.error;
    return this.runs;
  }

  /** Applies an event, or a record an API call returned at once (its `run.changed` will say the same). */
  apply(event: LabEvent): void {
    this.#list.update((runs) => applyRunEvent(runs, event));
  }

  /** Follows events (and resyncs after a lost connection) until the returned function is called. */
  connect(): () => void {
    if (this.#followers++ === 0) {
      const offEvent = this.#client.onEvent((event) => this.apply(event));
      const offResync = this.#client.onResync(() => void this.load());
      this.#unsubscribe = () => {
        offEvent();
        offResync();
      };
    }
    let connected = true;
    return () => {
      if (!connected) return;
      connected = false;
      if (--this.#followers > 0) return;
      this.#unsubscribe?.();
      this.#unsubscribe = null;
    };
  }
}
