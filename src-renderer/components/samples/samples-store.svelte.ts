/**
 * The sample browser's data: the steps that kept samples (refreshed at most every few seconds while
 * the run trains, so a fast run does not flood the lab) and the samples of the chosen step.
 */
import type { LabEvent, SampleRecord } from '../../../src-main/contract';
import { LiveResult, type LiveSource, type LoadState } from '../../lib/live.svelte';
import type { LabClient } from '../../lib/transport';

/** Least time between two `runs.sampleSteps` calls driven by progress events. */
const REFRESH_MS = 2000;

export class SampleSteps implements LiveSource {
  #steps = new LiveResult<number[]>();
  /** The samples of the step shown: a new step forgets the old ones, and a late answer is dropped. */
  #samples = new LiveResult<SampleRecord[]>();
  /** The step shown; null before any step exists. */
  step: number | null = $state(null);
  /** Jump to each new step as it is logged. */
  follow = $state(true);
  #client: LabClient;
  #runId: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #lastRefresh = 0;

  constructor(client: LabClient, runId: number) {
    this.#client = client;
    this.#runId = runId;
  }

  get steps(): number[] {
    return this.#steps.value ?? [];
  }

  get state(): LoadState {
    return this.#steps.state;
  }

  get error() {
    return this.#steps.error;
  }

  get samples(): SampleRecord[] {
    return this.#samples.value ?? [];
  }

  get samplesState(): LoadState {
    return this.#samples.state;
  }

  get samplesError() {
    return this.#samples.error;
  }

  async load(): Promise<void> {
    this.#lastRefresh = Date.now();
    if (!(await this.#steps.load(() => this.#client.api['runs.sampleSteps']({ id: this.#runId })))) return;
    const steps = this.steps;
    const newest = steps.length > 0 ? steps[steps.length - 1] : null;
    if (newest !== null && (this.follow || this.step === null || !steps.includes(this.step))) this.show(newest);
  }

  /** Shows a step's samples; answers to earlier requests that arrive late are dropped. */
  show(step: number): void {
    if (step === this.step && this.samplesState === 'ready') return;
    this.step = step;
    // The old step's samples stay on screen (marked stale) until the new ones arrive.
    this.#samples.reset(true);
    void this.#samples.load(() => this.#client.api['runs.samples']({ id: this.#runId, step }));
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
      this.#steps.drop();
      this.#samples.drop();
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
