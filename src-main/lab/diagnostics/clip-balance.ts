/**
 * Clip balance (issue 5, item 2): how hard each clip side pushed entropy (the first-order drifts of
 * research/paper.md: clip-low usually raises it, clip-high lowers it), how often each side clipped,
 * and how rare the clipped tokens were (surprisal minus entropy). The drifts are the exact
 * attribution's when the run has it, else the logit-space estimate's (attribution.ts), named either
 * way. Trainers that log one combined clip fraction (verl, OpenRLHF) get "combined only" rather than
 * a guessed split.
 */
import type {
  AttributionMethod,
  AttributionRule,
  ClipAttribution,
  ClipBalance,
  ClipSettingsInfo,
  DiagnosisOptions,
  DriftBalance,
  MeanRecent,
} from '../../contract/diagnostics';
import { attributionSeries, METHOD_LABELS } from './attribution';
import { windowSize } from './collapse';
import { fmt, fmtPercent, fmtSigned, fmtSteps } from './format';
import type { KeyResolver, ResolvedSeries } from './keys';
import { alignOnCommonSteps, cumulativeSum, lastPoints } from './series';
import { mean } from './stats';

export function meanRecent(series: ResolvedSeries | null, window: number | null): MeanRecent | null {
  if (!series) return null;
  const values = series.points.values;
  return {
    key: series.key,
    mean: mean(values),
    recent: mean(lastPoints(series.points, windowSize(values.length, window)).values),
    max: Math.max(...values),
  };
}

/** Sign of "clip-high is ahead" at each step: +1 high, -1 low, 0 tied. */
function dominanceSigns(low: readonly number[], high: readonly number[]): number[] {
  return low.map((l, i) => Math.sign(Math.abs(high[i]) - Math.abs(l)));
}

/** First step from which the dominance sign equals its final value to the end. */
function dominantSinceStep(steps: readonly number[], signs: readonly number[]): number | null {
  const last = signs[signs.length - 1];
  if (last === 0) return null;
  let i = signs.length - 1;
  while (i > 0 && signs[i - 1] === last) i--;
  return steps[i];
}

export function driftBalance(
  low: ResolvedSeries,
  high: ResolvedSeries,
  method: AttributionMethod = 'exact',
  dual: ResolvedSeries | null = null,
  label: string = METHOD_LABELS[method],
): DriftBalance | null {
  const aligned = alignOnCommonSteps(low.points, high.points);
  if (aligned.steps.length === 0) return null;
  const lowCum = cumulativeSum(aligned.a);
  const highCum = cumulativeSum(aligned.b);
  const dualByStep = new Map(dual ? dual.points.steps.map((s, i) => [s, dual.points.values[i]]) : []);
  const dualCum = cumulativeSum(aligned.steps.map((s) => dualByStep.get(s) ?? 0));
  const net = lowCum.map((l, i) => l + highCum[i] + dualCum[i]);
  const signs = dominanceSigns(lowCum, highCum);
  const n = aligned.steps.length;
  const [lowTotal, highTotal] = [lowCum[n - 1], highCum[n - 1]];
  const finalSign = signs[n - 1];
  return {
    method,
    label,
    lowKey: low.key,
    highKey: high.key,
    lowCum: lowTotal,
    highCum: highTotal,
    dualCum: dualCum[n - 1],
    netCum: net[n - 1],
    highToLow: lowTotal === 0 ? null : Math.abs(highTotal) / Math.abs(lowTotal),
    dominant: finalSign > 0 ? 'clip-high' : finalSign < 0 ? 'clip-low' : 'none',
    dominantSince: dominantSinceStep(aligned.steps, signs),
    firstStep: aligned.steps[0],
    lastStep: aligned.steps[n - 1],
    cumulative: { steps: aligned.steps, low: lowCum, high: highCum, net },
  };
}

function describeDrift(d: DriftBalance): string {
  const range = fmtSteps(d.firstStep, d.lastStep);
  const dual = d.dualCum !== 0 ? `, ${fmtSigned(d.dualCum)} (dual clip)` : '';
  const totals = `${d.label} drift ${fmtSigned(d.lowCum)} (clip-low) vs ${fmtSigned(d.highCum)} (clip-high)${dual} summed over ${range}, net clip drift ${fmtSigned(d.netCum)}`;
  if (d.dominant === 'none') return `neither side dominates: ${totals}`;
  const big = d.dominant === 'clip-high' ? Math.abs(d.highCum) : Math.abs(d.lowCum);
  const small = d.dominant === 'clip-high' ? Math.abs(d.lowCum) : Math.abs(d.highCum);
  const times = small === 0 ? 'with the other side at zero' : `${fmt(big / small)}× the other side`;
  return `${d.dominant} dominates (${times}, since step ${d.dominantSince}): ${totals}`;
}

function describeFractions(low: MeanRecent | null, high: MeanRecent | null): string {
  const side = (name: string, f: MeanRecent | null) =>
    f ? `${name} ${fmtPercent(f.mean)} (recent ${fmtPercent(f.recent)})` : `${name} not logged`;
  return `clipped tokens: ${side('clip-low', low)}, ${side('clip-high', high)}`;
}

function settingNotes(settings: ClipSettingsInfo, dual: MeanRecent | null, keys: KeyResolver): string[] {
  const notes: string[] = [];
  if (dual && keys.originalKey(dual.key) === 'actor/pg_clipfrac_lower') {
    notes.push('"actor/pg_clipfrac_lower" counts dual-clip events (A < 0 and r > c), not clip-low');
  }
  if (settings.clipLow !== null && settings.clipLow >= 1) notes.push('clip-low is off (eps_low = 1)');
  if (settings.clipHighOff) notes.push('clip-high is off (no upper clip)');
  return notes;
}

function clipSummary(
  attribution: ClipBalance['attribution'],
  drift: DriftBalance | null,
  lowFrac: MeanRecent | null,
  highFrac: MeanRecent | null,
  combinedFrac: MeanRecent | null,
): string {
  if (attribution === 'per-side') {
    return drift
      ? `${describeDrift(drift)}; ${describeFractions(lowFrac, highFrac)}`
      : `${describeFractions(lowFrac, highFrac)}; drift not logged, so each side's push on entropy is unknown`;
  }
  if (combinedFrac) {
    return `combined only; cannot attribute: "${combinedFrac.key}" counts clip-low and clip-high together (mean ${fmtPercent(combinedFrac.mean)}, recent ${fmtPercent(combinedFrac.recent)})`;
  }
  if (attribution === 'combined-only') {
    return 'combined only; cannot attribute: the trainer logs clip-low and clip-high as one fraction';
  }
  return 'no clip metrics logged';
}

/**
 * `combinedOnly`: the importer found that the trainer logs clipping only as one fraction of both
 * sides, even if that fraction is under a name this module does not know.
 */
export function diagnoseClipBalance(
  keys: KeyResolver,
  settings: ClipSettingsInfo,
  options: DiagnosisOptions,
  combinedOnly = false,
  rule: AttributionRule | null = null,
): ClipBalance {
  const family = attributionSeries(keys, rule);
  const lowDrift = family?.low ?? null;
  const highDrift = family?.high ?? null;
  const drift =
    family && lowDrift && highDrift
      ? driftBalance(lowDrift, highDrift, family.method, family.dual, family.label)
      : null;
  const lowFrac = meanRecent(keys.get('clipLowFrac'), options.window);
  const highFrac = meanRecent(keys.get('clipHighFrac'), options.window);
  const combinedFrac = meanRecent(keys.get('clipCombinedFrac'), options.window);
  const dualFrac = meanRecent(keys.get('clipDualFrac'), options.window);
  const fractions = [lowFrac, highFrac, combinedFrac].filter((f): f is MeanRecent => f !== null);
  const perSide = drift !== null || (lowFrac !== null && highFrac !== null);
  const combined = combinedFrac !== null || combinedOnly;
  const attribution: ClipAttribution = perSide ? 'per-side' : combined ? 'combined-only' : 'none';
  const notes = settingNotes(settings, dualFrac, keys);
  if ((lowDrift === null) !== (highDrift === null)) {
    notes.push(`only ${(lowDrift ?? highDrift)?.key} was logged; the drift balance needs both sides`);
  }
  // Name the trainer's own key (verl actor/pg_clipfrac), not its canonical alias clip/frac.
  const named = combinedFrac && { ...combinedFrac, key: keys.originalKey(combinedFrac.key) };
  const summary = clipSummary(attribution, drift, lowFrac, highFrac, named);
  return {
    attribution,
    summary,
    drift,
    lowFrac,
    highFrac,
    combinedFrac,
    dualFrac,
    lowGap: meanRecent(keys.get('clipLowGap'), options.window),
    highGap: meanRecent(keys.get('clipHighGap'), options.window),
    clippingActive: fractions.length === 0 ? null : fractions.some((f) => f.max > 0),
    notes,
  };
}
