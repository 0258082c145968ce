/**
 * The sample browser's data: the steps that kept samples (refreshed at most every few seconds while
 * the run trains, so a fast run does not flood the lab) and the samples of the chosen step.
 */
import type { ApiError, LabEvent, SampleRecord } from '../../../src-main/contract';
import type { LabClient } from '../../lib/api';
import type { LoadState } from '../../lib/live.svelte';
import { toApiError } from '../charts/series';

/** Least time between two `runs.sampleSteps` calls driven by progress events. */
const REFRESH_MS = 2000;

export class SampleSteps {
  steps: number[] = $state.raw([]);
  state: LoadState = $state('loading');
  error: ApiError | null = $state(null);
  /** The step shown; null before any step exists. */
  step: number | null = $state(null);
  /** Jump to each new step as it is logged. */
  follow = $state(true);
  samples: SampleRecord[] = $state.raw([]);
  samplesState: LoadState = $state('loading');
  samplesError: ApiError | null = $state(null);
  #client: LabClient;
  #runId: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #lastRefresh = 0;
  #request = 0;

  constructor(client: LabClient, runId: number) {
    this.#client = client;
    this.#runId = runId;
  }

  async load(): Promise<void> {
    this.#lastRefresh = Date.now();
    try {
      const steps = await this.#client.api['runs.sampleSteps']({ id: this.#runId });
      this.steps = steps;
      this.state = 'ready';
      this.error = null;
      const newest = steps.length > 0 ? steps[steps.length - 1] : null;
      if (newest !== null && (this.follow || this.step === null || !steps.includes(this.step))) this.show(newest);
    } catch (err) {
      this.error = toApiError(err);
      this.state = 'error';
    }
  }

  /** Shows a step's samples; answers to earlier requests that arrive late are dropped. */
  show(step: number): void {
    if (step === this.step && this.samplesState === 'ready') return;
    this.step = step;
    const request = ++this.#request;
    this.samplesState = 'loading';
    this.#client.api['runs.samples']({ id: this.#runId, step }).then(
      (samples) => {
        if (request !== this.#request) return;
        this.samples = samples;
        this.samplesState = 'ready';
        this.samplesError = null;
      },
      (err: unknown) => {
        if (request !== this.#request) return;
        this.samplesError = toApiError(err);
        this.samplesState = 'error';
      },
    );
  }

  /** Moves by `delta` logged steps (the arrows beside the slider). */
  move(delta: number): void {
    const at = this.step === null ? -1 : this.steps.indexOf(this.step);
    const next = this.steps[Math.min(Math.max(at + delta, 0), this.steps.length - 1)];
    if (next === undefined) return;
    this.follow = next === this.steps[this.steps.length - 1];
    this.show(next);
  }

  /** Follows the run's progress; returns the unsubscribe. */
  connect(): () => void {
    const off = this.#client.onEvent((event: LabEvent) => {
      const id =
        event.name === 'run.progress' ? event.payload.id : event.name === 'run.changed' ? event.payload.run.id : null;
      if (id === this.#runId) this.#schedule();
    });
    return () => {
      off();
      if (this.#timer) clearTimeout(this.#timer);
    };
  }

  #schedule(): void {
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastRefresh + REFRESH_MS - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.load();
    }, wait);
  }
}
