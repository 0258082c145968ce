/**
 * The Runs table as data: its sortable columns, the filters, and grouping by seed group (runs that
 * share a group key are seeds of one experiment). Pure, so the view's behaviour is testable without DOM.
 */
import { METRIC, type RunRecord, type RunStatus } from '../../../src-main/contract';
import { clipLabel, originLabel, rewardLabel, stepsDone, taskLabel } from '../../lib/run-labels';

export type SortValue = string | number | null;

export interface Column {
  id: string;
  label: string;
  /** Longer name, shown on hover. */
  title?: string;
  /** Numbers sort numerically and align right; strings sort by locale. */
  numeric: boolean;
  value(run: RunRecord): SortValue;
}

const metric = (key: string) => (run: RunRecord) => run.latest[key] ?? null;

export const COLUMNS = [
  { id: 'name', label: 'Name', numeric: false, value: (r) => r.name },
  { id: 'status', label: 'Status', numeric: false, value: (r) => r.status },
  { id: 'origin', label: 'Origin', numeric: false, value: (r) => originLabel(r) },
  { id: 'task', label: 'Task', numeric: false, value: (r) => taskLabel(r) },
  { id: 'reward', label: 'Reward', numeric: false, value: (r) => rewardLabel(r) },
  {
    id: 'clip',
    label: 'Clip ε',
    title: 'eps_low / eps_high: clip-low and clip-high bounds',
    numeric: false,
    value: (r) => clipLabel(r),
  },
  { id: 'seed', label: 'Seed', numeric: true, value: (r) => r.seed },
  { id: 'backend', label: 'Backend', numeric: false, value: (r) => r.backend },
  { id: 'step', label: 'Step', numeric: true, value: (r) => (r.step === null ? null : stepsDone(r)) },
  { id: 'entropy', label: 'Entropy', title: 'Latest entropy (nats)', numeric: true, value: metric(METRIC.entropy) },
  { id: 'acc', label: 'Acc', title: 'Eval accuracy (greedy)', numeric: true, value: metric(METRIC.evalAcc) },
  { id: 'tags', label: 'Tags', numeric: false, value: (r) => r.tags.join(', ') || null },
  { id: 'created', label: 'Created', numeric: false, value: (r) => r.createdAt },
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

/** Text matches name, notes, tags, id and the settings shown; every word must match somewhere. */
export function filterRuns(runs: readonly RunRecord[], filter: RunFilter): RunRecord[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  return runs.filter((run) => {
    if (filter.status === 'active' && !ACTIVE.includes(run.status)) return false;
    if (filter.status !== 'all' && filter.status !== 'active' && run.status !== filter.status) return false;
    if (filter.tag && !run.tags.includes(filter.tag)) return false;
    if (words.length === 0) return true;
    const haystack = [
      `#${run.id}`,
      run.name,
      run.notes,
      ...run.tags,
      taskLabel(run),
      rewardLabel(run),
      clipLabel(run),
      run.backend ?? '',
    ]
      .join(' ')
      .toLowerCase();
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
  /** Mean of the latest entropy over the seeds that logged one. */
  meanEntropy: number | null;
  /** Seeds with an entropy value (the mean's n). */
  entropyN: number;
}

/** Seed groups in the order their first run appears in `runs` (already sorted and filtered). */
export function groupBySeed(runs: readonly RunRecord[]): SeedGroupRow[] {
  const groups = new Map<string, RunRecord[]>();
  for (const run of runs) groups.set(run.groupKey, [...(groups.get(run.groupKey) ?? []), run]);
  return [...groups.entries()].map(([key, members]) => {
    const entropies = members.map((r) => r.latest[METRIC.entropy]).filter((v): v is number => Number.isFinite(v));
    const first = members[0];
    return {
      groupKey: key,
      label: sharedName(members.map((r) => r.name)),
      settings: first.config ? `${taskLabel(first)} · ${rewardLabel(first)} · clip ${clipLabel(first)}` : '',
      runs: members,
      meanEntropy: entropies.length > 0 ? entropies.reduce((s, v) => s + v, 0) / entropies.length : null,
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
