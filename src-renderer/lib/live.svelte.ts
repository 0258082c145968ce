/**
 * The renderer's one way to load data. A `LiveResult` holds what a read through the API answered
 * (value, error, loading), takes only the newest answer (a slow reply to an older request never
 * overwrites a newer one), and replays the changes lab events made while a read was in flight on
 * top of its answer. Every store builds on it (runs, one run, series, diagnoses, samples), and so do
 * views' one-off reads (`liveQuery`); `followLive` keeps a store connected to lab events and loaded
 * for as long as a component shows it. Raw state throughout: answers are replaced whole, never
 * deeply proxied (as svelte.dev's REPL keeps its bundler result).
 */
import { untrack } from 'svelte';
import { ApiError } from '../../src-main/contract';

export type LoadState = 'loading' | 'ready' | 'error';

type Change<T> = (value: T) => T;

export class LiveResult<T> {
  /** The newest answer (with later changes applied); null until the first one. */
  value: T | null = $state.raw(null);
  /** 'loading' until the first answer; a reload keeps 'ready' and the value until its answer lands. */
  state: LoadState = $state('loading');
  error: ApiError | null = $state.raw(null);
  /** Increases with every read and drop: an answer to an older read is stale. */
  #latest = 0;
  /** Changes made while the newest read is in flight, replayed on its answer. */
  #changes: Change<T>[] | null = null;

  /** Reads with `read`; resolves true when its answer became the value (false: failed or stale). */
  async load(read: () => Promise<T>): Promise<boolean> {
    const mine = ++this.#latest;
    const changes: Change<T>[] = [];
    this.#changes = changes;
    if (this.state === 'error') this.state = 'loading';
    try {
      let value: T = await read();
      if (mine !== this.#latest) return false;
      for (const change of changes) value = change(value);
      this.value = value;
      this.state = 'ready';
      this.error = null;
      return true;
    } catch (err) {
      if (mine !== this.#latest) return false;
      this.error = ApiError.of(err);
      this.state = 'error';
      return false;
    } finally {
      if (mine === this.#latest) this.#changes = null;
    }
  }

  /** Changes the value (a lab event said so), and the answer of a read in flight alike. */
  update(change: Change<T>): void {
    if (this.value !== null) this.value = change(this.value);
    this.#changes?.push(change);
  }

  /** Replaces the value with one known without a read (an action's result); reads in flight stay. */
  set(value: T): void {
    this.value = value;
    this.state = 'ready';
    this.error = null;
  }

  /**
   * What follows is about something else (another step, other runs): loading until read. The old
   * value is forgotten, or with `keepValue` stays to be shown as stale meanwhile.
   */
  reset(keepValue = false): void {
    this.drop();
    if (!keepValue) this.value = null;
    this.state = 'loading';
    this.error = null;
  }

  /** Drops the answers of reads in flight (the component that wanted them went away). */
  drop(): void {
    this.#latest++;
    this.#changes = null;
  }

  /**
   * A check for follow-up requests made from this value: true until the next read or drop, so a
   * late answer about data that has since been replaced is thrown away.
   */
  guard(): () => boolean {
    const at = this.#latest;
    return () => at === this.#latest;
  }
}

/** A store that reads through the API (`load`) and follows lab events until disconnected. */
export interface LiveSource {
  /** Starts following events; returns the function that stops it. */
  connect(): () => void;
  load(): Promise<unknown>;
}

/**
 * Connects and loads what `source()` returns (nothing while it is null) for as long as the calling
 * component lives; a new source replaces the old one. Only `source()` is tracked, so what load()
 * reads never re-runs it. Call it while a component initialises: it creates an effect.
 */
export function followLive(source: () => LiveSource | null): void {
  $effect(() => {
    const current = source();
    if (!current) return;
    return untrack(() => {
      const disconnect = current.connect();
      void current.load();
      return disconnect;
    });
  });
}

/**
 * One read a view needs: `read(args)` for the `args()` of the moment, read again whenever they
 * change (they are tracked; null reads nothing), the newest answer winning. With `reset`, a change
 * of args forgets the old value at once instead of showing it until the new one lands. Call it
 * while a component initialises: it creates an effect.
 */
export function liveQuery<A, T>(
  args: () => A | null,
  read: (args: A) => Promise<T>,
  options: { reset?: boolean } = {},
): LiveResult<T> {
  const result = new LiveResult<T>();
  $effect(() => {
    const wanted = args();
    untrack(() => {
      if (options.reset) result.reset();
      if (wanted !== null) void result.load(() => read(wanted));
    });
    return () => result.drop();
  });
  return result;
}
