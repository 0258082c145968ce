/**
 * Preferences kept in the browser's localStorage (the window's own profile in Electron, the origin's
 * in a browser): the theme, the Runs table's columns and sort. A stored value is untrusted like any
 * input: one that no longer parses (an older version wrote it, a user edited it) is ignored, never
 * thrown, and storage that refuses to work (a private window, a full disk) only loses the preference.
 */
import type { z } from 'zod';

/** Every key is prefixed, so cliplab's entries are recognisable among a shared origin's. */
const PREFIX = 'cliplab.';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // a sandboxed page may throw on merely reading `localStorage`
  }
}

/** The value stored under `key` when it parses with `schema`, else `fallback`. */
export function readStored<T>(key: string, schema: z.ZodType<T>, fallback: T): T {
  try {
    const text = storage()?.getItem(PREFIX + key);
    if (text === null || text === undefined) return fallback;
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

/** Stores `value` under `key`; a storage that refuses keeps the preference for this session only. */
export function writeStored(key: string, value: unknown): void {
  try {
    storage()?.setItem(PREFIX + key, JSON.stringify(value));
  } catch {
    // Quota or a disabled storage: nothing to tell the user, the page works the same.
  }
}

/** Forgets `key`. */
export function removeStored(key: string): void {
  try {
    storage()?.removeItem(PREFIX + key);
  } catch {
    // As in writeStored.
  }
}
