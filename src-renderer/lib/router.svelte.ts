/**
 * Hash routes (`#/runs`, `#/new`, …): they work the same from `file://` in Electron and from the web
 * server, and never cause a navigation the shell would block.
 */
export const ROUTES = [
  { id: 'runs', label: 'Runs' },
  { id: 'new', label: 'New run' },
  { id: 'compare', label: 'Compare' },
  { id: 'diagnostics', label: 'Diagnostics' },
] as const;

export type RouteId = (typeof ROUTES)[number]['id'];

export function routeFromHash(hash: string): RouteId {
  const id = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return ROUTES.find((r) => r.id === id)?.id ?? 'runs';
}

export function hrefOf(id: RouteId): string {
  return `#/${id}`;
}

/** The query after `?` in the hash: `#/compare?runs=1,2` -> runs=1,2. */
export function hashQuery(hash: string): URLSearchParams {
  const at = hash.indexOf('?');
  // A parsed snapshot of one hash, not state: the Router's `hash` is what views react to.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  return new URLSearchParams(at < 0 ? '' : hash.slice(at + 1));
}

/** The run of `#/run/<id>` (shown under the Runs tab), else null. */
export function runIdFromHash(hash: string): number | null {
  const match = /^#\/?run\/(\d+)(?:[/?]|$)/.exec(hash);
  return match ? Number(match[1]) : null;
}

export function runHref(id: number): string {
  return `#/run/${id}`;
}

export class Router {
  current: RouteId = $state('runs');
  /** The whole hash, for views that read their own part of it (ids, query). */
  hash = $state('');

  /** Follows the window's hash; returns the function that stops following it. */
  start(win: Window = window): () => void {
    const update = () => {
      this.hash = win.location.hash;
      this.current = routeFromHash(win.location.hash);
    };
    update();
    win.addEventListener('hashchange', update);
    return () => win.removeEventListener('hashchange', update);
  }
}
