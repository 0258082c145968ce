/**
 * Builds packed figures (smoothing, seed statistics) in a Web Worker, one for the whole page. The
 * worker is bundled by Vite as a file of the app's own origin, so the CSP's `worker-src 'self'`
 * admits it in web mode and in Electron alike. Where no worker can start (an embedder that refuses
 * it), figures are built on the page instead, with the same code, and a warning says so once.
 */
import { withSmoothed, type FigureRunInput, type FigureSpec, type PackedFigure } from '../../../src-main/contract';
import { buildPackedFigure, packSeries, type FromWorker, type PackedInput, type ToWorker } from './figure-protocol';

/** Series sets the worker keeps at once (a view's charts share one; a few views may be open). */
const MAX_HELD = 6;

interface Pending {
  resolve: (figure: PackedFigure) => void;
  reject: (err: Error) => void;
  spec: FigureSpec;
  inputs: readonly FigureRunInput[];
  key: number;
}

export class FigureBuilder {
  #worker: Worker | null = null;
  #failed = false;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #keys = new WeakMap<readonly FigureRunInput[], number>();
  /** Keys of the series sets the worker holds, oldest first. */
  #held: number[] = [];
  #nextKey = 1;
  /** The last figure built of each held series set, whose unchanged arrays the next one shares. */
  #last = new Map<number, PackedFigure>();

  /** The figure of `inputs` as `spec` asks; rejects with the build's error (a missing group, a bad x axis). */
  build(spec: FigureSpec, inputs: readonly FigureRunInput[]): Promise<PackedFigure> {
    const worker = this.#workerOrNull();
    if (!worker) return this.#buildHere(spec, inputs);
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      const key = this.#send(worker, inputs);
      this.#pending.set(id, { resolve, reject, spec, inputs, key });
      worker.postMessage({ kind: 'build', id, key, spec } satisfies ToWorker);
    });
  }

  /** Ends the worker (tests); the next build starts a new one. */
  dispose(): void {
    this.#worker?.terminate();
    this.#worker = null;
    this.#held = [];
    this.#last.clear();
    this.#keys = new WeakMap();
  }

  async #buildHere(spec: FigureSpec, inputs: readonly FigureRunInput[]): Promise<PackedFigure> {
    await Promise.resolve();
    return buildPackedFigure(spec, inputs).figure;
  }

  #workerOrNull(): Worker | null {
    if (this.#worker || this.#failed) return this.#worker;
    try {
      const worker = new Worker(new URL('./figure-worker.ts', import.meta.url), {
        type: 'module',
        name: 'cliplab-figures',
      });
      worker.onmessage = (event: MessageEvent<FromWorker>) => this.#answer(event.data);
      worker.onerror = (event) => this.#giveUp(worker, event.message || 'the figure worker could not start');
      this.#worker = worker;
    } catch (err) {
      this.#giveUp(null, err instanceof Error ? err.message : String(err));
    }
    return this.#worker;
  }

  /** The key of the worker's copy of `inputs`, sending them first if it has none. */
  #send(worker: Worker, inputs: readonly FigureRunInput[]): number {
    const known = this.#keys.get(inputs);
    if (known !== undefined && this.#held.includes(known)) return known;
    const key = this.#nextKey++;
    // Packed afresh and moved, not copied: cloning 20 runs x 4 series x 3 arrays of 10,000 doubles
    // cost the page ~30 ms per set (issue 20); packing is a few ms.
    const packed: PackedInput[] = inputs.map(({ run, series }) => ({ run, series: series.map(packSeries) }));
    const transfer = packed.flatMap((input) =>
      input.series.flatMap((s) => [s.steps.buffer, s.values.buffer, s.times.buffer]),
    );
    worker.postMessage({ kind: 'inputs', key, inputs: packed } satisfies ToWorker, { transfer });
    this.#keys.set(inputs, key);
    this.#held.push(key);
    while (this.#held.length > MAX_HELD) {
      const dropped = this.#held.shift()!;
      this.#last.delete(dropped);
      worker.postMessage({ kind: 'drop', key: dropped } satisfies ToWorker);
    }
    return key;
  }

  #answer(message: FromWorker): void {
    const pending = this.#pending.get(message.id);
    if (!pending) return;
    this.#pending.delete(message.id);
    if (message.kind === 'failed') {
      pending.reject(new Error(message.message));
      return;
    }
    const last = this.#last.get(pending.key);
    let figure: PackedFigure;
    if (message.kind === 'built') figure = sharingArrays(message.figure, last);
    else if (last) figure = withSmoothed(last, pending.spec, message.smoothed);
    else {
      pending.reject(new Error('figure worker: smoothed curves without the figure they belong to'));
      return;
    }
    this.#last.set(pending.key, figure);
    pending.resolve(figure);
  }

  /** No worker: every build from now on (and every one in flight) runs on the page. */
  #giveUp(worker: Worker | null, reason: string): void {
    console.warn(`cliplab: charts are computed on the page, the figure worker failed (${reason})`);
    worker?.terminate();
    this.#worker = null;
    this.#failed = true;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) this.#buildHere(p.spec, p.inputs).then(p.resolve, p.reject);
  }
}

/** Same length and values (NaN equal to NaN). */
function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

/**
 * `figure` with the x, step and raw arrays of `previous` where their values are the same. A
 * smoothing change then hands the chart the raw lines it already laid out and drew (figure-line.ts
 * keys its layout on the arrays), so only the smoothed lines are drawn again (issue 20).
 */
export function sharingArrays(figure: PackedFigure, previous: PackedFigure | undefined): PackedFigure {
  if (!previous) return figure;
  const before = new Map(previous.traces.map((t) => [`${t.id}|${t.metric}`, t]));
  const keep = (next: Float64Array, old: Float64Array | undefined) => (old && sameValues(next, old) ? old : next);
  const traces = figure.traces.map((t) => {
    const old = before.get(`${t.id}|${t.metric}`);
    if (!old) return t;
    return { ...t, steps: keep(t.steps, old.steps), x: keep(t.x, old.x), raw: keep(t.raw, old.raw) };
  });
  return { ...figure, traces };
}

let shared: FigureBuilder | null = null;

/** The page's one figure builder. */
export function figureBuilder(): FigureBuilder {
  return (shared ??= new FigureBuilder());
}
