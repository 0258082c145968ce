/**
 * The Runs page as one left it: filter, grouping, selection and collapsed groups for as long as the
 * app runs (coming back from a run finds them unchanged), columns and sort across sessions
 * (TableLayout). Held in the app context's page memory, one per app.
 */
import { SvelteSet } from 'svelte/reactivity';
import type { PageMemory } from '../../lib/context';
import { TableLayout } from './table-layout.svelte';
import { NO_FILTER, type RunFilter } from './table-model';

export class RunsPage {
  filter: RunFilter = $state({ ...NO_FILTER });
  grouped = $state(false);
  readonly selected = new SvelteSet<number>();
  readonly collapsed = new SvelteSet<string>();
  readonly layout = new TableLayout();

  /** The app's Runs page state (made on the first visit). */
  static of(pages: PageMemory): RunsPage {
    return pages.keep('runs', () => new RunsPage());
  }
}
