/**
 * Which columns the Runs table shows, how wide each is, and how it is sorted: the user's choices,
 * remembered across sessions (lib/stored.ts). The name column takes the room the others leave, never
 * less than its own width, so a wide window widens names, not ids.
 */
import { z } from 'zod';
import { readStored, writeStored } from '../../lib/stored';
import { COLUMNS, DEFAULT_SORT, type ColumnId, type SortState } from './table-model';

/** The row's actions button; not a column one can hide or resize. */
export const ACTIONS_WIDTH = 44;
export const MIN_WIDTH = 40;
export const MAX_WIDTH = 800;
/** Hidden until chosen: rarely what tells runs apart, and the names need the room at 1280 px. */
const HIDDEN_BY_DEFAULT: readonly ColumnId[] = ['backend'];

const STORAGE_KEY = 'runs.table';
const columnId = z.enum(COLUMNS.map((c) => c.id) as [ColumnId, ...ColumnId[]]);
const storedLayout = z.object({
  hidden: z.array(columnId),
  widths: z.partialRecord(columnId, z.number().min(MIN_WIDTH).max(MAX_WIDTH)),
  sort: z.object({ column: columnId, direction: z.enum(['asc', 'desc']) }),
});
type StoredLayout = z.infer<typeof storedLayout>;

const DEFAULTS: StoredLayout = { hidden: [...HIDDEN_BY_DEFAULT], widths: {}, sort: DEFAULT_SORT };

const clampWidth = (width: number) => Math.round(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, width)));

export class TableLayout {
  #stored: StoredLayout = $state(readStored(STORAGE_KEY, storedLayout, DEFAULTS));

  /** The shown columns, in the table's order; the name always. */
  readonly shown = $derived(COLUMNS.filter((c) => c.id === 'name' || !this.#stored.hidden.includes(c.id)));

  get sort(): SortState {
    return this.#stored.sort;
  }

  set sort(sort: SortState) {
    this.#save({ sort });
  }

  isShown(id: ColumnId): boolean {
    return this.shown.some((c) => c.id === id);
  }

  /** Shows or hides a column (the name cannot be hidden). */
  setShown(id: ColumnId, shown: boolean): void {
    if (id === 'name') return;
    const hidden = this.#stored.hidden.filter((h) => h !== id);
    this.#save({ hidden: shown ? hidden : [...hidden, id] });
  }

  /** The width the user gave `id`, else its default. */
  width(id: ColumnId): number {
    return this.#stored.widths[id] ?? COLUMNS.find((c) => c.id === id)!.width;
  }

  setWidth(id: ColumnId, width: number): void {
    this.#save({ widths: { ...this.#stored.widths, [id]: clampWidth(width) } });
  }

  /** True when `id` has the width it came with. */
  isDefaultWidth(id: ColumnId): boolean {
    return this.#stored.widths[id] === undefined;
  }

  resetWidth(id: ColumnId): void {
    const { [id]: _dropped, ...rest } = this.#stored.widths;
    this.#save({ widths: rest });
  }

  /** Every column shown as it came, at its own width (the sort stays). */
  reset(): void {
    this.#save({ hidden: [...HIDDEN_BY_DEFAULT], widths: {} });
  }

  /**
   * The width each shown column is drawn at in a table `available` pixels wide: its own, and the
   * name's grown to fill what the others leave.
   */
  drawnWidths(available: number): ReadonlyMap<ColumnId, number> {
    const own = this.shown.map((c) => [c.id as ColumnId, this.width(c.id)] as const);
    const others = own.filter(([id]) => id !== 'name').reduce((sum, [, w]) => sum + w, 0);
    const name = Math.max(this.width('name'), Math.floor(available - others - ACTIONS_WIDTH));
    // A fresh snapshot each time, read by a $derived: nothing mutates it, so it needs no reactivity.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    return new Map(own.map(([id, w]) => [id, id === 'name' ? name : w]));
  }

  #save(patch: Partial<StoredLayout>): void {
    this.#stored = { ...this.#stored, ...patch };
    writeStored(STORAGE_KEY, this.#stored);
  }
}
