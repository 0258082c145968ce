/**
 * From runs and their series to the curves a figure draws: smoothed per run, aggregated per seed
 * group, mapped to the x axis and cropped to the step range. Full resolution: decimation happens only
 * when a chart is built (config.ts), so the data export holds every point.
 */
import { seriesId, type BandKind, type FigureSpec } from '../figure';
import { metricLabel } from '../metrics';
import type { RunRecord, Series } from '../runs';
import { aggregateGroup, type GroupAggregate, type StepValues } from './aggregate';
import { legendNames } from './legend';
import { smoothEma } from './smoothing';
import { summarizeRuns, summarizeWithin, type SummaryOfRuns } from '../summary';
import { listOf, X_AXES, type SeriesLike, type XAxisKind } from './xaxis';

export interface FigureRunInput {
  run: Pick<RunRecord, 'id' | 'name' | 'groupKey' | 'seed' | 'config' | 'source'>;
  /** The run's series for the spec's metrics, plus `tokens` when x is tokens. */
  series: readonly Series[];
}

/** A run and its series, in either form (see SeriesLike). */
export interface FigureInputLike {
  run: FigureRunInput['run'];
  series: readonly SeriesLike[];
}

/** Spread of a seed group per step; std, sem, min and max are over the smoothed seeds. */
export interface GroupStats {
  n: number[];
  rawStd: (number | null)[];
  std: (number | null)[];
  sem: (number | null)[];
  min: (number | null)[];
  max: (number | null)[];
}

/** One drawn curve: a run or a seed group, for one metric. Arrays are aligned with `steps`. */
export interface FigureTrace {
  /** `run:<id>` or `group:<key>`; the same for every metric of the series. */
  id: string;
  kind: 'run' | 'group';
  label: string;
  metric: string;
  panel: number;
  colorIndex: number;
  dashIndex: number;
  runIds: number[];
  steps: number[];
  /** In the axis' base unit (step, tokens, seconds). */
  x: (number | null)[];
  /** A run's values; a group's mean of its seeds' raw values. */
  raw: (number | null)[];
  /** A run's smoothed values; a group's mean of its seeds' smoothed values. */
  smoothed: (number | null)[];
  band: { lower: (number | null)[]; upper: (number | null)[] } | null;
  group: GroupStats | null;
  /**
   * Start, final, peak and lowest logged value of each run over the figure's step range, and their
   * mean ± std over a group's seeds (contract/summary.ts): what Compare's table and the data export show.
   */
  summary: SummaryOfRuns;
}

export interface FigureData {
  spec: FigureSpec;
  x: { kind: XAxisKind; label: string; divisor: number; compactTicks: boolean };
  panels: { metrics: string[]; yLabel: string }[];
  traces: FigureTrace[];
}

interface Entity extends FigureEntity {
  id: string;
  runs: FigureInputLike[];
}

/**
 * Summaries already computed for a set of inputs, by entity, metric and step range. They do not
 * depend on smoothing, so a builder that keeps the inputs (the figure worker) passes the same map
 * to every build of them and a smoothing change skips them (most of a build's time, issue 20).
 * Only valid while the inputs stay the same objects with the same values.
 */
export type SummaryCache = Map<string, SummaryOfRuns>;

/** Builds every curve of the figure. Throws an Error naming the run or group that is missing data. */
export function buildFigureData(
  spec: FigureSpec,
  inputs: readonly FigureInputLike[],
  summaries?: SummaryCache,
): FigureData {
  const traces: FigureTrace[] = figureTraceHeads(spec, inputs, summaries).map(({ head, entity }) => {
    const { summary, ...rest } = head;
    const curve =
      entity.kind === 'run' ? runCurve(spec, entity.runs[0], head.metric) : groupCurve(spec, entity, head.metric);
    return { ...rest, ...crop(spec, curve), summary };
  });
  return { ...figureFrame(spec, maxX(traces)), traces };
}

/** What a trace is apart from its arrays: names, colours, runs and summary. */
export type TraceHead = Omit<FigureTrace, keyof Curve>;

/** A legend entry: a run, or the runs of one seed group. */
export interface FigureEntity {
  kind: 'run' | 'group';
  runs: readonly FigureInputLike[];
}

/**
 * Every trace of buildFigureData(spec, inputs) without its arrays, in its order, with the entity it
 * draws: a builder of another form of the arrays (packed.ts) shares the naming and checks.
 */
export function figureTraceHeads(
  spec: FigureSpec,
  inputs: readonly FigureInputLike[],
  summaries?: SummaryCache,
): { head: TraceHead; entity: FigureEntity }[] {
  const entities = figureEntities(spec, inputs);
  checkXAxisInputs(spec.xAxis, entities);
  const names = entityNames(spec, entities);
  const overlay = spec.layout === 'overlay';
  const manyEntities = entities.length > 1;
  return entities.flatMap((entity, e) =>
    spec.metrics.map((metric, m) => ({
      entity,
      head: {
        id: entity.id,
        kind: entity.kind,
        label: overlay ? overlayLabel(names[e], metric, spec.metrics.length > 1, manyEntities) : names[e],
        metric,
        panel: overlay ? 0 : m,
        colorIndex: overlay && !manyEntities ? m : e,
        dashIndex: overlay && manyEntities ? m : 0,
        runIds: entity.runs.map((r) => r.run.id),
        summary: cachedSummary(summaries, spec, entity, metric),
      },
    })),
  );
}

/** A figure's axes and panels, for traces whose largest x (in the base unit) is `maxX`. */
export function figureFrame(spec: FigureSpec, maxX: number): Omit<FigureData, 'traces'> {
  const overlay = spec.layout === 'overlay';
  const unit = X_AXES[spec.xAxis].unit(maxX);
  return {
    spec,
    x: {
      kind: spec.xAxis,
      label: spec.xLabel ?? unit.label,
      divisor: unit.divisor,
      compactTicks: X_AXES[spec.xAxis].compactTicks,
    },
    panels: overlay
      ? [{ metrics: spec.metrics, yLabel: overlayYLabel(spec) }]
      : spec.metrics.map((m) => ({ metrics: [m], yLabel: spec.yLabels[m] ?? metricLabel(m) })),
  };
}

/** What smoothing changes in a trace. */
export type SmoothedCurve = Pick<FigureTrace, 'smoothed' | 'band' | 'group'>;

/**
 * The smoothing-dependent arrays of every trace of buildFigureData(spec, inputs), in its order: a
 * builder that has that figure for another smoothing swaps these in and recomputes nothing else
 * (issue 20: a smoothing change rebuilt labels, raw values, x and summaries too).
 */
export function buildSmoothedCurves(spec: FigureSpec, inputs: readonly FigureInputLike[]): SmoothedCurve[] {
  return figureEntities(spec, inputs).flatMap((entity) =>
    spec.metrics.map((metric) => {
      const curve =
        entity.kind === 'run' ? runCurve(spec, entity.runs[0], metric, false) : groupCurve(spec, entity, metric);
      const { smoothed, band, group } = crop(spec, curve);
      return { smoothed, band, group };
    }),
  );
}

/** Runs and groups in the spec's order; a group listed twice (by key and through groupSeeds) once. */
function figureEntities(spec: FigureSpec, inputs: readonly FigureInputLike[]): Entity[] {
  const byId = new Map(inputs.map((i) => [i.run.id, i]));
  const entities = new Map<string, Entity>();
  for (const key of spec.groups) {
    const runs = inputs.filter((i) => i.run.groupKey === key);
    if (runs.length === 0) throw new Error(`groups: no run belongs to group ${key}`);
    entities.set(seriesId('group', key), { id: seriesId('group', key), kind: 'group', runs });
  }
  for (const id of spec.runs) {
    const input = byId.get(id);
    if (!input) throw new Error(`runs: no run with id ${id}`);
    const sid = spec.groupSeeds ? seriesId('group', input.run.groupKey) : seriesId('run', id);
    const entity = entities.get(sid) ?? { id: sid, kind: spec.groupSeeds ? 'group' : 'run', runs: [] };
    if (!entity.runs.includes(input)) entity.runs.push(input);
    entities.set(sid, entity);
  }
  return [...entities.values()];
}

function checkXAxisInputs(kind: XAxisKind, entities: readonly Entity[]): void {
  for (const { run, series } of entities.flatMap((e) => e.runs)) {
    for (const key of X_AXES[kind].requires) {
      // The store answers a key a run never logged with an empty series: that counts as missing.
      if (!series.some((s) => s.key === key && s.steps.length > 0)) {
        throw new Error(`xAxis: run ${run.id} has no "${key}" metric to put on the x axis; use "step"`);
      }
    }
  }
}

/** Legend names: spec labels first, then the config values that differ, then run names. */
function entityNames(spec: FigureSpec, entities: readonly Entity[]): string[] {
  const configs = entities.map(({ kind, runs }) => {
    const run = runs[0].run;
    const config = run.config ?? (run.source && Object.keys(run.source.params).length ? run.source.params : null);
    if (kind === 'run' || config === null) return config;
    const { seed: _seed, ...rest } = config as Record<string, unknown>;
    return rest;
  });
  const fallback = entities.map(({ kind, runs }) =>
    kind === 'run' ? runs[0].run.name : `${runs[0].run.name} (${runs.length} seed${runs.length > 1 ? 's' : ''})`,
  );
  const names = legendNames(configs, { ignore: ['name', 'log'], fallback, paperNotation: true });
  return entities.map((e, i) => spec.labels[e.id] ?? names[i]);
}

/**
 * A legend entry names the metric and the run (issue 14: a lone "Clipped tokens" line named only its
 * run). Only when many runs share one metric does the y axis name it instead, keeping legends short.
 */
function overlayLabel(name: string, metric: string, manyMetrics: boolean, manyEntities: boolean): string {
  return manyMetrics || !manyEntities ? `${name} · ${metricLabel(metric)}` : name;
}

function overlayYLabel(spec: FigureSpec): string {
  const first = spec.yLabels[spec.metrics[0]];
  return first ?? spec.metrics.map((m) => metricLabel(m)).join(' / ');
}

type Curve = Pick<FigureTrace, 'steps' | 'x' | 'raw' | 'smoothed' | 'band' | 'group'>;

function cachedSummary(cache: SummaryCache | undefined, spec: FigureSpec, entity: Entity, metric: string) {
  if (!cache) return summaryOf(spec, entity, metric);
  const ids = entity.runs.map((r) => r.run.id).join(',');
  const key = JSON.stringify([entity.id, ids, metric, spec.steps.from, spec.steps.to]);
  let summary = cache.get(key);
  if (!summary) cache.set(key, (summary = summaryOf(spec, entity, metric)));
  return summary;
}

/** Each run's summary numbers from its stored series (raw, every logged point) within the step range. */
function summaryOf(spec: FigureSpec, entity: Entity, metric: string): SummaryOfRuns {
  const { from, to } = spec.steps;
  return summarizeRuns(
    entity.runs.map((input) => ({
      runId: input.run.id,
      summary: summarizeWithin(seriesOf(input, metric), from, to),
    })),
  );
}

/** The input's series of `metric`; empty if it has none. */
export function seriesOf(input: FigureInputLike, metric: string): SeriesLike {
  return input.series.find((s) => s.key === metric) ?? { key: metric, steps: [], values: [], times: [] };
}

/** A run's curve; without `raw` (smoothing-only rebuilds), its raw values are left empty. */
function runCurve(spec: FigureSpec, input: FigureInputLike, metric: string, raw = true): Curve {
  const series = seriesOf(input, metric);
  return {
    steps: listOf(series.steps),
    x: xValues(spec.xAxis, input, series),
    // ±Infinity stays (the data export shows it; drawing skips it), NaN is null.
    raw: raw ? listOf(series.values, (v) => (v !== null && !Number.isNaN(v) ? v : null)) : [],
    smoothed: smoothEma(series.values, spec.smoothing),
    band: null,
    group: null,
  };
}

function xValues(kind: XAxisKind, input: FigureInputLike, series: SeriesLike): (number | null)[] {
  return X_AXES[kind].values(series, new Map(input.series.map((s) => [s.key, s])));
}

/** Seeds are smoothed one by one, then aggregated: the band shows the spread of the smoothed curves. */
function groupCurve(spec: FigureSpec, entity: FigureEntity, metric: string): Curve {
  const raw: StepValues[] = [];
  const smoothed: StepValues[] = [];
  const xs: StepValues[] = [];
  for (const input of entity.runs) {
    const series = seriesOf(input, metric);
    raw.push(series);
    smoothed.push({ steps: series.steps, values: smoothEma(series.values, spec.smoothing) });
    xs.push({ steps: series.steps, values: xValues(spec.xAxis, input, series) });
  }
  const rawAgg = aggregateGroup(raw);
  const agg = aggregateGroup(smoothed);
  return {
    steps: agg.steps,
    x: aggregateGroup(xs).mean,
    raw: rawAgg.mean,
    smoothed: agg.mean,
    band: BANDS[spec.band](agg),
    group: { n: agg.n, rawStd: rawAgg.std, std: agg.std, sem: agg.sem, min: agg.min, max: agg.max },
  };
}

const plusMinus = (agg: GroupAggregate, spread: (number | null)[]) => ({
  lower: agg.mean.map((m, i) => (m === null || spread[i] === null ? null : m - (spread[i] as number))),
  upper: agg.mean.map((m, i) => (m === null || spread[i] === null ? null : m + (spread[i] as number))),
});

/** Band edges per kind, from the aggregate of the smoothed seeds. */
const BANDS: Record<BandKind, (agg: GroupAggregate) => { lower: (number | null)[]; upper: (number | null)[] } | null> =
  {
    std: (agg) => plusMinus(agg, agg.std),
    sem: (agg) => plusMinus(agg, agg.sem),
    minmax: (agg) => ({ lower: [...agg.min], upper: [...agg.max] }),
    none: () => null,
  };

/** Keeps the points inside the step range that have an x value. */
function crop(spec: FigureSpec, curve: Curve): Curve {
  const { from, to } = spec.steps;
  const kept = (i: number) => {
    const s = curve.steps[i];
    return (from === null || s >= from) && (to === null || s <= to) && curve.x[i] !== null;
  };
  let all = true;
  for (let i = 0; all && i < curve.steps.length; i++) all = kept(i);
  if (all) return curve;
  const keep: number[] = [];
  for (let i = 0; i < curve.steps.length; i++) if (kept(i)) keep.push(i);
  const pick = <T>(a: readonly T[]) => keep.map((i) => a[i]);
  const g = curve.group;
  return {
    steps: pick(curve.steps),
    x: pick(curve.x),
    raw: pick(curve.raw),
    smoothed: pick(curve.smoothed),
    band: curve.band && { lower: pick(curve.band.lower), upper: pick(curve.band.upper) },
    group: g && {
      n: pick(g.n),
      rawStd: pick(g.rawStd),
      std: pick(g.std),
      sem: pick(g.sem),
      min: pick(g.min),
      max: pick(g.max),
    },
  };
}

function maxX(traces: readonly FigureTrace[]): number {
  let max = 0;
  for (const t of traces) for (const v of t.x) if (v !== null && v > max) max = v;
  return max;
}
