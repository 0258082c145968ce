/**
 * The Runs table as data: its sortable columns, the filters, and grouping by seed group (runs that
 * share a group key are seeds of one experiment). Pure, so the view's behaviour is testable without DOM.
 */
import {
  formatNumber,
  formatPercent,
  formatShortDate,
  meanAndStd,
  METRIC,
  MISSING,
  SUMMARY_DEFINITIONS,
  type RunRecord,
  type RunStatus,
} from '../../../src-main/contract';
import {
  clipLabel,
  originLabel,
  originShort,
  rewardLabel,
  stepLabel,
  stepsDone,
  taskLabel,
} from '../../lib/run-labels';

export type SortValue = string | number | null;

export interface Column {
  id: string;
  label: string;
  /** Longer name, shown on hover. */
  title?: string;
  /** Numbers sort numerically and align right; strings sort by locale. */
  numeric: boolean;
  /** Width in CSS pixels until the user resizes it (the name's is its least: it takes the room left). */
  width: number;
  value(run: RunRecord): SortValue;
  /** What the cell reads, as the filter searches it. */
  text(run: RunRecord): string;
}

const metric = (key: string) => (run: RunRecord) => run.latest[key] ?? null;
const orMissing = (value: string | number | null) => (value === null ? MISSING : String(value));

export const COLUMNS = [
  {
    id: 'name',
    label: 'Name',
    numeric: false,
    width: 200,
    value: (r) => r.name,
    text: (r) => `${r.name}${r.controlOf ? ` control of #${r.controlOf}` : ''}`,
  },
  { id: 'status', label: 'Status', numeric: false, width: 100, value: (r) => r.status, text: (r) => r.status },
  {
    id: 'origin',
    label: 'Origin',
    numeric: false,
    width: 92,
    value: (r) => originLabel(r),
    text: (r) => originShort(r),
  },
  { id: 'task', label: 'Task', numeric: false, width: 112, value: (r) => taskLabel(r), text: (r) => taskLabel(r) },
  {
    id: 'reward',
    label: 'Reward',
    numeric: false,
    width: 124,
    value: (r) => rewardLabel(r),
    text: (r) => rewardLabel(r),
  },
  {
    id: 'clip',
    label: 'Clip ε',
    title: 'eps_low / eps_high: clip-low and clip-high bounds; off: that side never clips',
    numeric: false,
    width: 80,
    value: (r) => clipLabel(r),
    text: (r) => clipLabel(r),
  },
  { id: 'seed', label: 'Seed', numeric: true, width: 52, value: (r) => r.seed, text: (r) => orMissing(r.seed) },
  {
    id: 'backend',
    label: 'Backend',
    numeric: false,
    width: 68,
    value: (r) => r.backend,
    text: (r) => orMissing(r.backend),
  },
  {
    id: 'step',
    label: 'Step',
    numeric: true,
    width: 80,
    value: (r) => (r.step === null ? null : stepsDone(r)),
    text: (r) => stepLabel(r),
  },
  {
    id: 'entropy',
    label: 'Entropy',
    title: `Final entropy in nats: ${SUMMARY_DEFINITIONS.final} (the latest while a run trains)`,
    numeric: true,
    width: 68,
    value: metric(METRIC.entropy),
    text: (r) => formatNumber(r.latest[METRIC.entropy]),
  },
  {
    id: 'acc',
    label: 'Acc',
    title: `Final eval accuracy (greedy): ${SUMMARY_DEFINITIONS.final}`,
    numeric: true,
    width: 56,
    value: metric(METRIC.evalAcc),
    text: (r) => formatPercent(r.latest[METRIC.evalAcc]),
  },
  {
    id: 'tags',
    label: 'Tags',
    numeric: false,
    width: 128,
    value: (r) => r.tags.join(', ') || null,
    text: (r) => r.tags.join(' '),
  },
  {
    id: 'created',
    label: 'Created',
    numeric: false,
    width: 84,
    value: (r) => r.createdAt,
    text: (r) => `${formatShortDate(r.createdAt)} ${r.createdAt}`,
  },
] as const satisfies readonly Column[];

export type ColumnId = (typeof COLUMNS)[number]['id'];

export interface SortState {
  column: ColumnId;
  direction: 'asc' | 'desc';
}

/** Newest first, as the list has always been shown. */
export const DEFAULT_SORT: SortState = { column: 'created', direction: 'desc' };

/** Sorted by the column; missing values last in either direction; ties newest first (then by id). */
export function sortRunsBy(runs: readonly RunRecord[], sort: SortState): RunRecord[] {
  const column = COLUMNS.find((c) => c.id === sort.column) ?? COLUMNS[COLUMNS.length - 1];
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...runs].sort((a, b) => {
    const va = column.value(a);
    const vb = column.value(b);
    if (va === null || vb === null) {
      if (va !== vb) return va === null ? 1 : -1;
    } else {
      const cmp = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
      if (cmp !== 0) return sign * cmp;
    }
    return b.createdAt.localeCompare(a.createdAt) || b.id - a.id;
  });
}

/** Clicking a column's header: sorts by it (numbers and dates high first), clicking again flips. */
export function nextSort(current: SortState, column: ColumnId): SortState {
  if (current.column === column) return { column, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  const numericOrDate = COLUMNS.find((c) => c.id === column)?.numeric || column === 'created';
  return { column, direction: numericOrDate ? 'desc' : 'asc' };
}

export type StatusFilter = 'all' | 'active' | RunStatus;

export interface RunFilter {
  text: string;
  tag: string;
  status: StatusFilter;
}

export const NO_FILTER: RunFilter = { text: '', tag: '', status: 'all' };

const ACTIVE: readonly RunStatus[] = ['queued', 'running'];

/**
 * Text matches what the shown columns read (`columns`, all by default), the name, the notes and the
 * id (`#12`); every word must match somewhere.
 */
export function filterRuns(
  runs: readonly RunRecord[],
  filter: RunFilter,
  columns: readonly ColumnId[] = COLUMNS.map((c) => c.id),
): RunRecord[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  const searched = COLUMNS.filter((c) => columns.includes(c.id));
  return runs.filter((run) => {
    if (filter.status === 'active' && !ACTIVE.includes(run.status)) return false;
    if (filter.status !== 'all' && filter.status !== 'active' && run.status !== filter.status) return false;
    if (filter.tag && !run.tags.includes(filter.tag)) return false;
    if (words.length === 0) return true;
    const haystack = [`#${run.id}`, run.name, run.notes, ...searched.map((c) => c.text(run))].join(' ').toLowerCase();
    return words.every((w) => haystack.includes(w));
  });
}

/** Every tag in use, alphabetically. */
export function allTags(runs: readonly RunRecord[]): string[] {
  return [...new Set(runs.flatMap((r) => r.tags))].sort((a, b) => a.localeCompare(b));
}

export interface SeedGroupRow {
  groupKey: string;
  /** What the seeds' names share (`sweep clipLow=0.1 seed 1`, `… seed 2` -> `sweep clipLow=0.1`). */
  label: string;
  /** Task, reward and clip setting of the group, where the runs have a config. */
  settings: string;
  runs: RunRecord[];
  /** Mean of the final entropy over the seeds that logged one (Compare's and Diagnostics' arithmetic). */
  meanEntropy: number | null;
  /** Sample std of those final entropies; null for fewer than 2. */
  stdEntropy: number | null;
  /** Seeds with an entropy value (the mean's n). */
  entropyN: number;
}

/** Seed groups in the order their first run appears in `runs` (already sorted and filtered). */
export function groupBySeed(runs: readonly RunRecord[]): SeedGroupRow[] {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) groups.set(run.groupKey, [...(groups.get(run.groupKey) ?? []), run]);
  return [...groups.entries()].map(([key, members]) => {
    const entropies = members.map((r) => r.latest[METRIC.entropy]).filter((v): v is number => Number.isFinite(v));
    const spread = meanAndStd(entropies);
    const first = members[0];
    return {
      groupKey: key,
      label: sharedName(members.map((r) => r.name)),
      settings: first.config ? `${taskLabel(first)} · ${rewardLabel(first)} · clip ${clipLabel(first)}` : '',
      runs: members,
      meanEntropy: spread.mean,
      stdEntropy: spread.std,
      entropyN: entropies.length,
    };
  });
}

/** The start the names share, without a dangling "seed" or separator; the first name if they share little. */
export function sharedName(names: readonly string[]): string {
  let prefix = names[0] ?? '';
  for (const name of names.slice(1)) {
    let i = 0;
    while (i < prefix.length && i < name.length && prefix[i] === name[i]) i++;
    prefix = prefix.slice(0, i);
  }
  const trimmed = prefix.replace(/[\s,;:·(#-]*(seed\s*[\d=]*)?[\s,;:·(#=-]*$/i, '');
  return trimmed.length >= 3 ? trimmed : (names[0] ?? '');
}

/** A seed's name under its group's row: what follows the shared part (`seed 2`), or the whole name. */
export function nameInGroup(name: string, groupLabel: string): string {
  if (!name.startsWith(groupLabel) || name.length === groupLabel.length) return name;
  const rest = name.slice(groupLabel.length).replace(/^[\s,;:·-]+/, '');
  return rest ? `… ${rest}` : name;
}
