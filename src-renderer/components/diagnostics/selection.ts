/**
 * The Diagnostics view's selection as its hash (`#/diagnostics?runs=1,2&tab=groups&run=2`, or
 * `?group=<key>` for every seed of a group), so a diagnosis is a link.
 */
import { hashQuery } from '../../lib/router.svelte';

export type DiagnosticsTab = 'runs' | 'groups';

export interface DiagnosticsSelection {
  runs: number[];
  /** A seed group named in the link: all its runs are selected. */
  group: string | null;
  tab: DiagnosticsTab;
  /** The run whose tab is open. */
  focus: number | null;
}

export function selectionOf(hash: string): DiagnosticsSelection {
  const query = hashQuery(hash);
  const runs = (query.get('runs') ?? '')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  const group = query.get('group') || null;
  const focus = Number(query.get('run'));
  return {
    runs: [...new Set(runs)],
    group,
    tab: query.get('tab') === 'groups' || (group !== null && runs.length === 0) ? 'groups' : 'runs',
    focus: Number.isInteger(focus) && focus > 0 ? focus : null,
  };
}

export function diagnosticsHash(s: DiagnosticsSelection): string {
  const parts: string[] = [];
  if (s.runs.length) parts.push(`runs=${s.runs.join(',')}`);
  if (s.group) parts.push(`group=${encodeURIComponent(s.group)}`);
  if (s.tab !== 'runs') parts.push(`tab=${s.tab}`);
  if (s.focus !== null) parts.push(`run=${s.focus}`);
  return parts.length ? `#/diagnostics?${parts.join('&')}` : '#/diagnostics';
}
