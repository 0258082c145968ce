/**
 * Keeping what a component shows current: a store that reads through the API and then follows lab
 * events is connected and loaded while the component lives, and swapped when it is replaced.
 */
import { untrack } from 'svelte';

export type LoadState = 'loading' | 'ready' | 'error';

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
