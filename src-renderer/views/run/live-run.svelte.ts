/**
 * One run's record, kept current by lab events: `run.changed` replaces it, `run.progress` moves its
 * step, status and headline metrics (and gives the training rate), `run.deleted` marks it gone.
 */
import type { LabEvent, RunRecord } from '../../../src-main/contract';
import { LiveResult, type LiveSource, type LoadState } from '../../lib/live.svelte';
import { applyRunEvent } from '../../lib/runs';
import type { LabClient } from '../../lib/transport';

export class LiveRun implements LiveSource {
  #record = new LiveResult<RunRecord>();
  deleted = $state(false);
  /** Steps per second from the latest progress event; null when not training. */
  stepsPerSecond: number | null = $state(null);
  readonly id: number;
  #client: LabClient;

  constructor(client: LabClient, id: number) {
    this.#client = client;
    this.id = id;
  }

  get run(): RunRecord | null {
    return this.#record.value;
  }

  /** A record an API call returned (an action on this run). */
  set run(run: RunRecord) {
    this.#record.set(run);
  }

  get state(): LoadState {
    return this.#record.state;
  }

  get error() {
    return this.#record.error;
  }

  async load(): Promise<void> {
    await this.#record.load(() => this.#client.api['runs.get']({ id: this.id }));
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
    this.#record.update((run) => applyRunEvent([run], event).find((r) => r.id === this.id) ?? run);
  }

  connect(): () => void {
    const offEvent = this.#client.onEvent((event) => this.apply(event));
    const offResync = this.#client.onResync(() => void this.load());
    return () => {
      this.#record.drop();
      offEvent();
      offResync();
    };
  }
}
