/**
 * What every component of the app may need, set once by App.svelte: the API client, the app's one
 * runs store and what pages keep while one is away from them. Components read it with `app()`
 * instead of receiving a `client` prop through every layer (as svelte.dev's REPL shares its
 * workspace); a test mounts a component on its own with `render(View, { context: appContext(client) })`.
 */
import { getContext, setContext } from 'svelte';
import { RunsStore } from './runs-store.svelte';
import type { LabClient } from './transport';

export interface AppContext {
  readonly client: LabClient;
  readonly runs: RunsStore;
  readonly pages: PageMemory;
}

/**
 * A page's state that outlives the page's component: the Runs page's selection, filter and sort are
 * as one left them when one comes back from a run. Kept for as long as the app runs.
 */
export class PageMemory {
  #kept = new Map<string, unknown>();

  /** The state kept under `key`, made by `create` the first time. */
  keep<T>(key: string, create: () => T): T {
    if (!this.#kept.has(key)) this.#kept.set(key, create());
    return this.#kept.get(key) as T;
  }
}

const KEY = Symbol('cliplab');

export function createApp(client: LabClient): AppContext {
  return { client, runs: new RunsStore(client), pages: new PageMemory() };
}

/** Makes `app` the context of the calling component and all below it. */
export function setApp(app: AppContext): AppContext {
  return setContext(KEY, app);
}

/** The app's client and runs store; call it while a component initialises. */
export function app(): AppContext {
  const found = getContext<AppContext | undefined>(KEY);
  if (!found) throw new Error('cliplab: no app context; mount the component inside App, or pass appContext(client)');
  return found;
}

/** The context map App.svelte sets, for mounting a component on its own (tests). */
export function appContext(client: LabClient | AppContext): Map<symbol, AppContext> {
  return new Map([[KEY, 'api' in client ? createApp(client) : client]]);
}
