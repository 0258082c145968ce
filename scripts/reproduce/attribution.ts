/**
 * The entropy attribution of `npm run reproduce`'s runs (issue 13): per run, on the steps its
 * config attributed, the measured and the exact predicted entropy change (sums, their ratio,
 * correlation, sign agreement) and the prediction's parts; per seed group, mean ± std and Welch's t
 * of |clip-high drift| against |clip-low drift| over the seeds. Pure: series in, numbers out.
 */
import { pearson } from '../../src-main/lab/diagnostics/stats';
import { welchTTest, type WelchResult } from '../../src-main/lab/diagnostics/welch';
import { stat, type Stat } from './summary';

/** The keys read, by role (contract/metrics.ts). */
export const ATTRIBUTION_KEYS = {
  measured: 'entropy/delta',
  predicted: 'entropy/delta_pred',
  unclipped: 'entropy/delta_pred_unclipped',
  low: 'clip/low_drift',
  high: 'clip/high_drift',
  dual: 'clip/dual_drift',
  momentum: 'entropy/delta_pred_momentum',
  other: 'entropy/delta_pred_other',
} as const;

export type Role = keyof typeof ATTRIBUTION_KEYS;

export interface KeySeries {
  steps: number[];
  values: (number | null)[];
}

export type AttributionInput = Record<Role, KeySeries>;

/** One run's sums over its attributed steps. */
export interface RunAttribution {
  steps: number;
  measured: number;
  predicted: number;
  /** measured / predicted (the diagnostics' theory-check ratio). */
  ratio: number;
  pearson: number | null;
  signAgreement: number;
  unclipped: number;
  low: number;
  high: number;
  dual: number;
  momentum: number;
  other: number;
  /**
   * Median over the attributed steps of (sum of the parts' sizes) / |prediction|: near 1 when the
   * parts agree in sign, large when they cancel (see engine/rl/attribution.ts on Adam).
   */
  conditioning: number;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const byStep = (s: KeySeries) => {
  const map = new Map<number, number>();
  s.steps.forEach((step, i) => {
    const v = s.values[i];
    if (v !== null && Number.isFinite(v)) map.set(step, v);
  });
  return map;
};

/** Sums on the steps with both a prediction and a measurement; null when there are none. */
export function runAttribution(input: AttributionInput): RunAttribution | null {
  const maps = Object.fromEntries(
    (Object.keys(ATTRIBUTION_KEYS) as Role[]).map((role) => [role, byStep(input[role])]),
  ) as Record<Role, Map<number, number>>;
  const steps = [...maps.predicted.keys()].filter((s) => maps.measured.has(s)).sort((a, b) => a - b);
  if (steps.length === 0) return null;
  const values = (role: Role) => steps.map((s) => maps[role].get(s) ?? 0);
  const total = (role: Role) => values(role).reduce((a, b) => a + b, 0);
  const [p, m] = [values('predicted'), values('measured')];
  return {
    steps: steps.length,
    measured: total('measured'),
    predicted: total('predicted'),
    ratio: total('measured') / total('predicted'),
    pearson: steps.length > 2 ? pearson(p, m) : null,
    signAgreement: p.filter((x, i) => Math.sign(x) === Math.sign(m[i])).length / steps.length,
    unclipped: total('unclipped'),
    low: total('low'),
    high: total('high'),
    dual: total('dual'),
    momentum: total('momentum'),
    other: total('other'),
    conditioning: median(
      steps.map((_, i) => {
        const parts = (['unclipped', 'low', 'high', 'dual', 'momentum', 'other'] as const).map((r) => values(r)[i]);
        return parts.reduce((a, x) => a + Math.abs(x), 0) / Math.abs(p[i]);
      }),
    ),
  };
}

export interface GroupAttribution {
  n: number;
  /** Attributed steps per run. */
  steps: Stat;
  measured: Stat;
  predicted: Stat;
  ratio: Stat;
  pearson: Stat;
  signAgreement: Stat;
  unclipped: Stat;
  low: Stat;
  high: Stat;
  dual: Stat;
  momentum: Stat;
  other: Stat;
  conditioning: Stat;
  /** |high| / |low| per run (runs where clip-low drifted at all). */
  highToLow: Stat;
  /** Welch's t of |clip-high drift| - |clip-low drift| over the seeds, or why it cannot be computed. */
  sides: WelchResult | string;
}

export function groupAttribution(runs: readonly (RunAttribution | null)[]): GroupAttribution | null {
  const present = runs.filter((r): r is RunAttribution => r !== null);
  if (present.length === 0) return null;
  const of = (f: (r: RunAttribution) => number | null) =>
    stat(present.map(f).filter((x): x is number => x !== null && Number.isFinite(x)));
  return {
    n: present.length,
    steps: of((r) => r.steps),
    measured: of((r) => r.measured),
    predicted: of((r) => r.predicted),
    ratio: of((r) => r.ratio),
    pearson: of((r) => r.pearson),
    signAgreement: of((r) => r.signAgreement),
    unclipped: of((r) => r.unclipped),
    low: of((r) => r.low),
    high: of((r) => r.high),
    dual: of((r) => r.dual),
    momentum: of((r) => r.momentum),
    other: of((r) => r.other),
    conditioning: of((r) => r.conditioning),
    highToLow: of((r) => (r.low !== 0 ? Math.abs(r.high) / Math.abs(r.low) : null)),
    sides: welchTTest(
      present.map((r) => Math.abs(r.high)),
      present.map((r) => Math.abs(r.low)),
    ),
  };
}

/** Which side pushed harder over the seeds, with Welch's t: for the report's sentences. */
export function sidesVerdict(g: GroupAttribution): string {
  if (typeof g.sides === 'string') return `no test (${g.sides})`;
  const { t, df, p } = g.sides;
  const side = t > 0 ? 'clip-high' : 'clip-low';
  const stats = `Welch t = ${t.toFixed(2)}, df = ${df.toFixed(1)}, p = ${p < 0.001 ? p.toExponential(1) : p.toFixed(3)}`;
  return p < 0.05 ? `${side} pushed harder (${stats})` : `no significant difference between the sides (${stats})`;
}
