/**
 * One run's record, kept current by lab events: `run.changed` replaces it, `run.progress` moves its
 * step, status and headline metrics (and gives the training rate), `run.deleted` marks it gone.
 */
import { ApiError, type LabEvent, type RunRecord } from '../../../src-main/contract';
import type { LabClient } from '../../lib/api';
import type { LoadState } from '../../lib/live.svelte';
import { applyRunEvent } from '../../lib/runs';

export class LiveRun {
  run: RunRecord | null = $state(null);
  state: LoadState = $state('loading');
  error: ApiError | null = $state(null);
  deleted = $state(false);
  /** Steps per second from the latest progress event; null when not training. */
  stepsPerSecond: number | null = $state(null);
  readonly id: number;
  #client: LabClient;

  constructor(client: LabClient, id: number) {
    this.#client = client;
    this.id = id;
  }

  async load(): Promise<void> {
    if (this.state === 'error') this.state = 'loading';
    try {
      this.run = await this.#client.api['runs.get']({ id: this.id });
      this.state = 'ready';
      this.error = null;
    } catch (err) {
      this.error = err instanceof ApiError ? err : new ApiError('internal', String(err));
      this.state = 'error';
    }
  }

  /** Applies a record or event about this run; others are ignored. */
  apply(event: LabEvent): void {
    if (event.name === 'run.deleted' && event.payload.ids.includes(this.id)) this.deleted = true;
    if (event.name === 'run.progress' && event.payload.id === this.id) {
      this.stepsPerSecond = event.payload.status === 'running' ? event.payload.stepsPerSecond : null;
    }
    if (event.name === 'run.changed' && event.payload.run.id === this.id && event.payload.run.status !== 'running') {
      this.stepsPerSecond = null;
    }
    if (this.run) this.run = applyRunEvent([this.run], event).find((r) => r.id === this.id) ?? this.run;
  }

  connect(): () => void {
    const offEvent = this.#client.onEvent((event) => this.apply(event));
    const offResync = this.#client.onResync(() => void this.load());
    return () => {
      offEvent();
      offResync();
    };
  }
}
