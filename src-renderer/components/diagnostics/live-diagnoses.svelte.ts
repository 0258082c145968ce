/**
 * Diagnoses that follow training: a result read through the API, read again (at most every few
 * seconds) while a run it covers makes progress or changes (a followed imported run grows by
 * `run.changed` alone), and whenever any run finishes (it may be the random-reward control of a run shown).
 */
import type { LabEvent, RunRecord } from '../../../src-main/contract';
import { LiveResult, type LiveSource, type LoadState } from '../../lib/live.svelte';
import type { LabClient } from '../../lib/transport';

/** Least time between two reads caused by progress events. */
const REFRESH_MS = 4000;

export class LiveDiagnoses<T> implements LiveSource {
  #result = new LiveResult<T>();
  #client: LabClient;
  #read: () => Promise<T>;
  #runIds: readonly number[];
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(client: LabClient, runIds: readonly number[], read: () => Promise<T>) {
    this.#client = client;
    this.#runIds = runIds;
    this.#read = read;
  }

  get value(): T | null {
    return this.#result.value;
  }

  get state(): LoadState {
    return this.#result.state;
  }

  get error() {
    return this.#result.error;
  }

  async load(): Promise<void> {
    await this.#result.load(this.#read);
  }

  connect(): () => void {
    const offEvent = this.#client.onEvent((event) => this.#onEvent(event));
    const offResync = this.#client.onResync(() => void this.load());
    return () => {
      this.#result.drop();
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
