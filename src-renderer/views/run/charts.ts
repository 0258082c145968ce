/**
 * The Run view's charts: which metrics each overlays, and which of them a run can show. Local runs
 * log every canonical key (the entropy attribution's family by their config); imported runs only
 * those their file had (or an alias was made for).
 */
import {
  METRIC,
  type AttributionMethod,
  type FigureLayout,
  type MetricKeyInfo,
  type RunConfig,
} from '../../../src-main/contract';

export interface RunChart {
  id: string;
  title: string;
  metrics: string[];
  /** Title of the y axis (the metrics' names are in the legend). */
  axis: string;
  /** Shown only when every metric exists: a prediction is never drawn without its measurement. */
  requireAll?: boolean;
  /** `panels`: one panel per metric, each with its own y scale, on a shared x axis. */
  layout?: FigureLayout;
  /** With `panels`: each panel's y title (the legend, naming the one run, is left out). */
  panelAxes?: Record<string, string>;
  /** Which entropy attribution the chart draws (contract/metrics.ts): a run shows one family. */
  attribution?: AttributionMethod;
  note?: string;
  /** Only losses that clip importance weights (CISPO) log these. */
  weightClips?: boolean;
}

export const RUN_CHARTS: readonly RunChart[] = [
  { id: 'entropy', title: 'Entropy', metrics: [METRIC.entropy, METRIC.evalEntropy], axis: 'nats' },
  {
    id: 'reward',
    title: 'Reward and accuracy',
    metrics: [METRIC.rewardMean, METRIC.accTrain, METRIC.evalAcc, METRIC.evalPassK],
    axis: 'reward, accuracy',
  },
  {
    id: 'clip-fractions',
    title: 'Clipped tokens',
    // By meaning, whatever the trainer called them: verl's actor/pg_clipfrac is clip/frac (both sides
    // together) and its actor/pg_clipfrac_lower is clip/dual_frac, never clip-low.
    metrics: [METRIC.clipLowFrac, METRIC.clipHighFrac, METRIC.clipFrac, METRIC.clipDualFrac],
    axis: 'share of tokens',
    note: 'Clip-low and clip-high apart where the run logs them; "both sides" counts either (all verl and OpenRLHF log); dual clip counts negative-advantage tokens floored at c·A, a separate event.',
  },
  {
    id: 'clip-drift',
    title: 'Clip drift per side (exact)',
    metrics: [METRIC.clipLowDrift, METRIC.clipHighDrift, METRIC.clipDualDrift],
    axis: 'Δ entropy (nats)',
    attribution: 'exact',
    note: 'The entropy change each side’s clipping caused (minus the push its clipped tokens lost), exact to fourth order under attribution.rule "simpson" (the default), to second order under "trapezoid" or to first order under "tangent", on the steps the run attributes (attribution.every).',
  },
  {
    id: 'entropy-change',
    title: 'Entropy change: measured and predicted (exact)',
    metrics: [METRIC.entropyDelta, METRIC.entropyDeltaPred],
    axis: 'Δ entropy (nats)',
    requireAll: true,
    attribution: 'exact',
    layout: 'panels',
    panelAxes: { [METRIC.entropyDelta]: 'measured', [METRIC.entropyDeltaPred]: 'predicted' },
    note: 'Δ entropy per step in nats, measured (top) and the exact prediction (below, on attributed steps only): Σ ½ <grad H(θ) + grad H(θ + Δθ), Δθ> over the updates under attribution.rule "trapezoid", Σ ⅙ <grad H(θ) + 4 grad H(θ + Δθ/2) + grad H(θ + Δθ), Δθ> under "simpson", Σ <grad H, Δθ> under "tangent"; each on its own scale.',
  },
  {
    id: 'clip-drift-logit',
    title: 'Clip drift per side (logit-space estimate)',
    metrics: [METRIC.clipLowDriftLogit, METRIC.clipHighDriftLogit],
    axis: 'Δ entropy (nats)',
    attribution: 'logit',
    note: 'The logit-space estimate: exact for the tabular policy under SGD; on a network it ignores the Jacobian and can be orders of magnitude off.',
  },
  {
    id: 'entropy-change-logit',
    title: 'Entropy change: measured and logit-space estimate',
    metrics: [METRIC.entropyDelta, METRIC.entropyDeltaPredLogit],
    axis: 'Δ entropy (nats)',
    requireAll: true,
    attribution: 'logit',
    // On a network the estimate can be orders of magnitude smaller than the measurement: one shared
    // axis would draw it as a flat line at zero.
    layout: 'panels',
    panelAxes: { [METRIC.entropyDelta]: 'measured', [METRIC.entropyDeltaPredLogit]: 'estimate' },
    note: 'Δ entropy per step in nats, measured (top) and the logit-space estimate (below), each on its own scale: exact for the tabular policy under SGD, a rough model otherwise.',
  },
  { id: 'kl', title: 'KL', metrics: [METRIC.klPpo, METRIC.klRef], axis: 'nats' },
  {
    id: 'weight-clips',
    title: 'Weight clips outside the paper’s events (CISPO)',
    metrics: [METRIC.clipLowPosFrac, METRIC.clipHighNegFrac],
    axis: 'share of tokens',
    weightClips: true,
    note: 'CISPO clips every token’s importance weight: these are the clips with A > 0 at the lower bound and A < 0 at the upper one, which the paper’s clip-low and clip-high (charted above) leave out.',
  },
];

/** Every key the charts read. */
export const RUN_CHART_KEYS: readonly string[] = [...new Set(RUN_CHARTS.flatMap((c) => c.metrics))];

/**
 * The attribution family a run's charts show: a local run's configured method ("off": none); an
 * imported run's exact keys when it has them, else the estimate.
 */
function attributionShown(logged: ReadonlySet<string> | null, config: ChartConfig | null): AttributionMethod | null {
  if (config) return config.attribution.method === 'off' ? null : config.attribution.method;
  return logged?.has(METRIC.entropyDeltaPred) || logged?.has(METRIC.clipLowDrift) ? 'exact' : 'logit';
}

/** The two settings of a local run's config that decide its charts. */
export interface ChartConfig {
  attribution: Pick<RunConfig['attribution'], 'method'>;
  objective: Pick<RunConfig['objective'], 'loss'>;
}

/**
 * The charts a run can draw, each with the metrics it has. `keys` null (a local run) keeps all:
 * they fill in as the run logs them. `config` (a local run's) picks the attribution charts, and the
 * weight-clip chart only for a loss that clips importance weights (CISPO).
 */
export function chartsFor(keys: readonly MetricKeyInfo[] | null, config: ChartConfig | null = null): RunChart[] {
  const logged = keys === null ? null : new Set(keys.filter((k) => k.count > 0).map((k) => k.key));
  const family = attributionShown(logged, config);
  const weightClips = config?.objective.loss === 'cispo';
  return RUN_CHARTS.flatMap((chart) => {
    if (chart.attribution !== undefined && chart.attribution !== family) return [];
    if (logged === null) return chart.weightClips && !weightClips ? [] : [chart];
    const metrics = chart.metrics.filter((m) => logged.has(m));
    if (metrics.length === 0 || (chart.requireAll && metrics.length < chart.metrics.length)) return [];
    return [{ ...chart, metrics }];
  });
}
