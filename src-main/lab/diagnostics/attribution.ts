/**
 * Which entropy attribution a run's prediction and clip drifts come from (issue 13; key families in
 * contract/metrics.ts), and on which steps it was computed. The theory check and the clip balance
 * both read one family through `attributionSeries`, preferring the exact keys, so the two never mix
 * methods; the coverage sentence says what was computed where, or why nothing was.
 */
import type { RunConfig } from '../../contract/config';
import type { AttributionCoverage, AttributionMethod, AttributionRule } from '../../contract/diagnostics';
import type { KeyResolver, Quantity, ResolvedSeries } from './keys';

export const METHOD_LABELS: Record<AttributionMethod, string> = {
  exact: 'exact',
  logit: 'logit-space estimate',
};

const RULE_LABELS: Record<AttributionRule, string> = {
  trapezoid: 'exact, second order (trapezoid)',
  tangent: 'exact, first order',
  simpson: 'exact, fourth order (Simpson)',
};

/** The method named for users, with the exact method's rule when known (null: an import). */
export function methodLabel(method: AttributionMethod, rule: AttributionRule | null): string {
  return method === 'exact' && rule ? RULE_LABELS[rule] : METHOD_LABELS[method];
}

/**
 * The exact method's rule a local run used. Stored configs are migrated to name it (runs made
 * before the rule existed say "tangent"); null for imports.
 */
export function ruleOf(config: Pick<RunConfig, 'attribution'> | null): AttributionRule | null {
  return config ? config.attribution.rule : null;
}

/** The quantities of each family, by role. */
const FAMILIES: Record<AttributionMethod, { predicted: Quantity; low: Quantity; high: Quantity }> = {
  exact: { predicted: 'entropyDeltaPred', low: 'clipLowDrift', high: 'clipHighDrift' },
  logit: { predicted: 'entropyDeltaPredLogit', low: 'clipLowDriftLogit', high: 'clipHighDriftLogit' },
};

export interface AttributionSeries {
  method: AttributionMethod;
  /** methodLabel of the family and the run's rule. */
  label: string;
  predicted: ResolvedSeries | null;
  low: ResolvedSeries | null;
  high: ResolvedSeries | null;
  /** Exact family only. */
  dual: ResolvedSeries | null;
  unclipped: ResolvedSeries | null;
  momentum: ResolvedSeries | null;
  other: ResolvedSeries | null;
}

/**
 * The exact family when the run logged any of it, else the logit-space estimate, else null; `rule`
 * is the run's exact rule (ruleOf), which only names the family.
 */
export function attributionSeries(keys: KeyResolver, rule: AttributionRule | null = null): AttributionSeries | null {
  for (const method of ['exact', 'logit'] as const) {
    const family = FAMILIES[method];
    const [predicted, low, high] = [keys.get(family.predicted), keys.get(family.low), keys.get(family.high)];
    if (!predicted && !low && !high) continue;
    const exact = method === 'exact';
    return {
      method,
      label: methodLabel(method, rule),
      predicted,
      low,
      high,
      dual: exact ? keys.get('clipDualDrift') : null,
      unclipped: exact ? keys.get('entropyDeltaPredUnclipped') : null,
      momentum: exact ? keys.get('entropyDeltaPredMomentum') : null,
      other: exact ? keys.get('entropyDeltaPredOther') : null,
    };
  }
  return null;
}

const LOGIT_CAVEAT =
  'it is exact only for the tabular policy under SGD; on a network it ignores the Jacobian and can be off by orders of magnitude';

function cadence(configured: AttributionCoverage['configured'], steps: number, measured: number): string {
  const of = measured > 0 ? ` (${steps} of ${measured} steps with a measured change)` : ` (${steps} steps)`;
  if (configured && configured.method === 'exact' && configured.every > 1) {
    return ` once every ${configured.every} steps${of}; the theory check and drift balance cover those steps only`;
  }
  return steps < measured ? ` on some steps${of}` : ` on every step${of}`;
}

/** What the run's config and series say about its attribution. */
export function attributionCoverage(keys: KeyResolver, config: RunConfig | null): AttributionCoverage {
  const configured = config ? { ...config.attribution } : null;
  const rule = ruleOf(config);
  const series = attributionSeries(keys, rule);
  const measuredSteps = keys.get('entropyDelta')?.points.steps.length ?? 0;
  if (!series) {
    const why =
      configured?.method === 'off'
        ? 'not computed: this run has attribution.method "off"'
        : configured
          ? 'not computed: the run logged no predicted entropy change yet'
          : 'not logged by this trainer';
    return { method: null, rule: null, label: 'not computed', configured, steps: 0, measuredSteps, note: why };
  }
  const anchor = series.predicted ?? series.low ?? series.high;
  const steps = anchor?.points.steps.length ?? 0;
  const label = series.label;
  const caveat = series.method === 'logit' ? `; ${LOGIT_CAVEAT}` : '';
  return {
    method: series.method,
    rule: series.method === 'exact' ? rule : null,
    label,
    configured,
    steps,
    measuredSteps,
    note: `${series.method === 'exact' ? `${label} attribution` : label}${cadence(configured, steps, measuredSteps)}${caveat}`,
  };
}
