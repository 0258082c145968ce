/**
 * Diagnoses that follow training: a result read through the API, read again (at most every few
 * seconds) while a run it covers makes progress or changes (a followed imported run grows by
 * `run.changed` alone), and whenever any run finishes (it may be the random-reward control of a run shown).
 */
import type { ApiError, LabEvent, RunRecord } from '../../../src-main/contract';
import type { LabClient } from '../../lib/api';
import { toApiError, type LoadState } from '../charts/live-series.svelte';

/** Least time between two reads caused by progress events. */
const REFRESH_MS = 4000;

export class LiveResult<T> {
  value: T | null = $state.raw(null);
  state: LoadState = $state('loading');
  error: ApiError | null = $state(null);
  #client: LabClient;
  #read: () => Promise<T>;
  #runIds: readonly number[];
  #generation = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(client: LabClient, runIds: readonly number[], read: () => Promise<T>) {
    this.#client = client;
    this.#runIds = runIds;
    this.#read = read;
  }

  async load(): Promise<void> {
    const generation = ++this.#generation;
    if (this.state === 'error') this.state = 'loading';
    try {
      const value = await this.#read();
      if (generation !== this.#generation) return;
      this.value = value;
      this.state = 'ready';
      this.error = null;
    } catch (err) {
      if (generation !== this.#generation) return;
      this.error = toApiError(err);
      this.state = 'error';
    }
  }

  connect(): () => void {
    const offEvent = this.#client.onEvent((event) => this.#onEvent(event));
    const offResync = this.#client.onResync(() => void this.load());
    return () => {
      this.#generation++;
      if (this.#timer) clearTimeout(this.#timer);
      offEvent();
      offResync();
    };
  }

  #onEvent(event: LabEvent): void {
    if (event.name === 'run.progress' && this.#runIds.includes(event.payload.id)) this.#schedule();
    else if (event.name === 'run.changed' && this.#affects(event.payload.run)) this.#schedule();
  }

  /**
   * A shown run changed (a followed log announces its new points only this way: it sends no
   * progress), or any run finished.
   */
  #affects(run: RunRecord): boolean {
    return this.#runIds.includes(run.id) || run.status !== 'running';
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.load();
    }, REFRESH_MS);
  }
}
