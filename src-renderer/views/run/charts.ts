/**
 * The Run view's charts: which metrics each overlays, and which of them a run can show. Local runs
 * log every canonical key; imported runs only those their file had (or an alias was made for).
 */
import { METRIC, type FigureLayout, type MetricKeyInfo } from '../../../src-main/contract';

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
    title: 'Clip drift per side',
    metrics: [METRIC.clipLowDrift, METRIC.clipHighDrift],
    axis: 'Δ entropy (nats)',
    note: 'First-order entropy change from the tokens each side clipped: clip-low pushes up, clip-high down.',
  },
  {
    id: 'entropy-change',
    title: 'Entropy change: measured and predicted',
    metrics: [METRIC.entropyDelta, METRIC.entropyDeltaPred],
    axis: 'Δ entropy (nats)',
    requireAll: true,
    // On a network the prediction can be orders of magnitude smaller than the measurement: one shared
    // axis would draw it as a flat line at zero.
    layout: 'panels',
    panelAxes: { [METRIC.entropyDelta]: 'measured', [METRIC.entropyDeltaPred]: 'predicted' },
    note: 'Δ entropy per step in nats, measured (top) and the first-order prediction (below), each on its own scale: the prediction tracks signs and timing but can be far off in size.',
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
 * The charts a run can draw, each with the metrics it has. `keys` null (a local run) keeps all but
 * the weight-clip chart, which only a local run with `weightClips` (a CISPO loss) gets: they fill in
 * as the run logs them.
 */
export function chartsFor(keys: readonly MetricKeyInfo[] | null, weightClips = false): RunChart[] {
  if (keys === null) return RUN_CHARTS.filter((c) => weightClips || !c.weightClips);
  const logged = new Set(keys.filter((k) => k.count > 0).map((k) => k.key));
  return RUN_CHARTS.flatMap((chart) => {
    const metrics = chart.metrics.filter((m) => logged.has(m));
    if (metrics.length === 0 || (chart.requireAll && metrics.length < chart.metrics.length)) return [];
    return [{ ...chart, metrics }];
  });
}
