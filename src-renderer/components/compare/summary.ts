/**
 * The summary table of the Compare view: per run (or seed group) and metric, the start, final, peak
 * and lowest values as contract/summary.ts defines them (the figure data carries them per trace, so
 * the export writes the same numbers), plus the entropy-collapse step from the diagnostics.
 */
import type { CollapseDiagnosis, FigureTrace, RunDiagnosis, SummaryStat } from '../../../src-main/contract';

/** A value over a group's seeds: mean, sample std (n > 1) and n; a single run has n = 1 and its step. */
export type Stat = SummaryStat;

export interface MetricSummary {
  start: Stat | null;
  final: Stat | null;
  peak: Stat | null;
  min: Stat | null;
}

export interface SummaryEntry {
  /** `run:<id>` or `group:<key>`, the figure's series id. */
  id: string;
  label: string;
  kind: 'run' | 'group';
  runIds: number[];
  metrics: Record<string, MetricSummary>;
}

/** What the summary reads of a figure (FigureData or its packed form): its series and their numbers. */
export interface SummarizedFigure {
  traces: readonly Pick<FigureTrace, 'id' | 'label' | 'kind' | 'runIds' | 'metric' | 'summary'>[];
}

/** One entry per series of the figure (in legend order), with every metric's summary numbers. */
export function summarize(data: SummarizedFigure): SummaryEntry[] {
  const entries = new Map<string, SummaryEntry>();
  for (const trace of data.traces) {
    let entry = entries.get(trace.id);
    if (!entry) {
      // An overlay of several metrics labels each line "name · metric"; the table names the series once.
      const label = trace.label.split(' · ')[0];
      entry = { id: trace.id, label, kind: trace.kind, runIds: trace.runIds, metrics: {} };
      entries.set(trace.id, entry);
    }
    const { start, final, peak, min } = trace.summary;
    entry.metrics[trace.metric] = { start, final, peak, min };
  }
  return [...entries.values()];
}

export interface CollapseSummary {
  /** Runs whose entropy could be diagnosed. */
  n: number;
  /** Of those, runs whose entropy collapsed. */
  collapsed: number;
  /** Collapse steps of the collapsed runs. */
  steps: number[];
  /** The verdict of a single run; null for groups or when not diagnosed. */
  verdict: CollapseDiagnosis['verdict'] | null;
  /** Why no run could be diagnosed (the first reason given). */
  reason: string | null;
}

/** The collapse of the entry's runs, from their diagnoses (missing diagnoses are left out). */
export function collapseOf(runIds: readonly number[], diagnoses: ReadonlyMap<number, RunDiagnosis>): CollapseSummary {
  const sections = runIds.flatMap((id) => {
    const d = diagnoses.get(id);
    return d ? [d.collapse] : [];
  });
  const ok = sections.filter((s) => s.status === 'ok');
  const steps = ok.flatMap((s) => (s.collapseStep === null ? [] : [s.collapseStep]));
  const unavailable = sections.find((s) => s.status === 'unavailable');
  return {
    n: ok.length,
    collapsed: steps.length,
    steps,
    verdict: runIds.length === 1 && ok.length === 1 ? ok[0].verdict : null,
    reason: ok.length === 0 && unavailable?.status === 'unavailable' ? unavailable.reason : null,
  };
}
