/**
 * A view's settings kept in the location hash (`#/compare?runs=1,2`), so a view is a link: a new
 * hash (a link, the back button) replaces the settings, and the view's own edits replace the hash
 * without adding a history entry.
 */
import { untrack } from 'svelte';

export interface HashState<T> {
  readonly value: T;
  /** Changes some settings and writes them to the hash. */
  update(patch: Partial<T>): void;
}

/**
 * Settings read from `hash()` with `parse` and written back with `format`; two settings are the
 * same when they format alike. Call it while a component initialises: it creates an effect.
 */
export function hashState<T extends object>(
  hash: () => string,
  parse: (hash: string) => T,
  format: (value: T) => string,
): HashState<T> {
  let value: T = $state.raw(parse(untrack(hash)));
  $effect(() => {
    const next = parse(hash());
    untrack(() => {
      if (format(next) !== format(value)) value = next;
    });
  });
  return {
    get value() {
      return value;
    },
    update(patch) {
      value = { ...value, ...patch };
      window.history.replaceState(window.history.state, '', format(value));
    },
  };
}
