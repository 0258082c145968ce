/**
 * A figure built off the page's thread (figure-builder.ts) from a spec and runs' series, kept
 * current as either changes. The last figure stays shown while the next one is built (a smoothing
 * change or new steps never blank a chart), and at most one build is in flight: requests made
 * meanwhile collapse into the newest, so a dragged slider costs one build per build time, not one
 * per movement.
 */
import type { FigureRunInput, FigureSpec, PackedFigure } from '../../../src-main/contract';
import { figureBuilder } from './figure-builder';

export interface FigureRequest {
  spec: FigureSpec;
  inputs: readonly FigureRunInput[];
}

export class BuiltFigure {
  /** The newest figure built; null until the first one (or after a failed build). */
  current: PackedFigure | null = $state.raw(null);
  /** Why the newest request could not be built (a group without runs, a missing x metric). */
  error: string | null = $state(null);
  #inFlight = false;
  #next: FigureRequest | null = null;

  /** Builds `request`, or queues it behind the build in flight (replacing any queued one). */
  request(request: FigureRequest): void {
    this.#next = request;
    if (!this.#inFlight) void this.#drain();
  }

  async #drain(): Promise<void> {
    this.#inFlight = true;
    while (this.#next) {
      const request = this.#next;
      this.#next = null;
      // Shown even when a newer request waits: while a slider moves, the chart follows at build speed.
      try {
        this.current = await figureBuilder().build(request.spec, request.inputs);
        this.error = null;
      } catch (err) {
        this.current = null;
        this.error = err instanceof Error ? err.message : String(err);
      }
    }
    this.#inFlight = false;
  }
}

/**
 * The figure of `request()` (null: none wanted), rebuilt whenever it changes. Call it while a
 * component initialises: it creates an effect.
 */
export function buildFigure(request: () => FigureRequest | null): BuiltFigure {
  const built = new BuiltFigure();
  $effect(() => {
    const wanted = request();
    if (wanted) built.request({ spec: $state.snapshot(wanted.spec) as FigureSpec, inputs: wanted.inputs });
  });
  return built;
}
