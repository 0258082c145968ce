/**
 * The runs the Runs view shows, kept current by lab events. Events that arrive while the list is
 * loading are replayed on top of it, so a run that changes during the first fetch is not lost.
 */
import { ApiError, type LabEvent, type RunRecord } from '../../src-main/contract';
import type { LabClient } from './api';
import type { LoadState } from './live.svelte';
import { applyRunEvent, sortRuns } from './runs';

export class RunsStore {
  runs: RunRecord[] = $state([]);
  state: LoadState = $state('loading');
  error: ApiError | null = $state(null);
  #pending: LabEvent[] | null = null;
  #client: LabClient;

  constructor(client: LabClient) {
    this.#client = client;
  }

  async load(): Promise<void> {
    this.#pending = [];
    if (this.state === 'error') this.state = 'loading';
    try {
      let runs = sortRuns(await this.#client.api['runs.list']({}));
      for (const event of this.#pending) runs = applyRunEvent(runs, event);
      this.runs = runs;
      this.state = 'ready';
      this.error = null;
    } catch (err) {
      this.error = err instanceof ApiError ? err : new ApiError('internal', String(err));
      this.state = 'error';
    } finally {
      this.#pending = null;
    }
  }

  /** Subscribes to events (and to resyncs after a lost connection); returns the unsubscribe. */
  connect(): () => void {
    const offEvent = this.#client.onEvent((event) => {
      if (this.#pending) this.#pending.push(event);
      else this.runs = applyRunEvent(this.runs, event);
    });
    const offResync = this.#client.onResync(() => void this.load());
    return () => {
      offEvent();
      offResync();
    };
  }
}
