/**
 * The summary table of the Compare view: per run (or seed group) and metric, the final, peak (max)
 * and lowest values, read from the stored series at full resolution (never from the decimated
 * chart), plus the entropy-collapse step from the diagnostics.
 */
import type {
  CollapseDiagnosis,
  FigureData,
  FigureRunInput,
  FigureTrace,
  RunDiagnosis,
  Series,
} from '../../../src-main/contract';

/** One value of one run: where it was logged. */
export interface PointStat {
  value: number;
  step: number;
}

/** A value over a group's seeds: mean, sample std (n > 1) and n; a single run has n = 1 and its step. */
export interface Stat {
  mean: number;
  std: number | null;
  n: number;
  /** The step of a single run's value; null for groups. */
  step: number | null;
}

export interface MetricSummary {
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

export interface RunExtremes {
  final: PointStat | null;
  peak: PointStat | null;
  min: PointStat | null;
}

/** Final, highest and lowest finite values of a series within the inclusive step range. */
export function seriesExtremes(
  series: Series | undefined,
  from: number | null = null,
  to: number | null = null,
): RunExtremes {
  const out: RunExtremes = { final: null, peak: null, min: null };
  if (!series) return out;
  for (let i = 0; i < series.steps.length; i++) {
    const [step, value] = [series.steps[i], series.values[i]];
    if (value === null || !Number.isFinite(value)) continue;
    if ((from !== null && step < from) || (to !== null && step > to)) continue;
    out.final = { value, step };
    if (!out.peak || value > out.peak.value) out.peak = { value, step };
    if (!out.min || value < out.min.value) out.min = { value, step };
  }
  return out;
}

/** Mean, sample std and n of the given points; a single point keeps its step. */
export function statOf(points: readonly (PointStat | null)[]): Stat | null {
  const found = points.filter((p) => p !== null);
  const n = found.length;
  if (n === 0) return null;
  const mean = found.reduce((sum, p) => sum + p.value, 0) / n;
  const std = n > 1 ? Math.sqrt(found.reduce((sum, p) => sum + (p.value - mean) ** 2, 0) / (n - 1)) : null;
  return { mean, std, n, step: n === 1 ? found[0].step : null };
}

/** What the summary reads of a figure (FigureData or its packed form): step range, series and their runs. */
export interface SummarizedFigure {
  spec: Pick<FigureData['spec'], 'steps'>;
  traces: readonly Pick<FigureTrace, 'id' | 'label' | 'kind' | 'runIds' | 'metric'>[];
}

/** One entry per series of the figure (in legend order), with every metric's final, peak and min. */
export function summarize(data: SummarizedFigure, inputs: readonly FigureRunInput[]): SummaryEntry[] {
  const byRun = new Map(inputs.map((i) => [i.run.id, i]));
  const { from, to } = data.spec.steps;
  const entries = new Map<string, SummaryEntry>();
  for (const trace of data.traces) {
    let entry = entries.get(trace.id);
    if (!entry) {
      // An overlay of several metrics labels each line "name · metric"; the table names the series once.
      const label = trace.label.split(' · ')[0];
      entry = { id: trace.id, label, kind: trace.kind, runIds: trace.runIds, metrics: {} };
      entries.set(trace.id, entry);
    }
    const extremes = trace.runIds.map((id) =>
      seriesExtremes(
        byRun.get(id)?.series.find((s) => s.key === trace.metric),
        from,
        to,
      ),
    );
    entry.metrics[trace.metric] = {
      final: statOf(extremes.map((e) => e.final)),
      peak: statOf(extremes.map((e) => e.peak)),
      min: statOf(extremes.map((e) => e.min)),
    };
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
