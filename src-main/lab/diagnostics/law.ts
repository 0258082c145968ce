/**
 * The entropy–accuracy law of Cui et al. (arXiv 2505.22617): over training, accuracy follows
 * acc = -a·exp(H) + b, so the accuracy left when entropy is used up (H = 0) is b - a. Linear in
 * x = exp(H): acc = b + c·x with a = -c, fitted by least squares over the run's eval points.
 *
 * Only where the data can carry it (issue 14): accuracy that barely moves (a random-reward run at
 * 0.6–2.2%) has nothing for a, b to describe, so no fit is made below LAW_MIN_ACC_RANGE; a fit that
 * explains little of the accuracy (R² below LAW_MIN_R2) is shown with a warning and used nowhere.
 */
import { LAW_MIN_ACC_RANGE, LAW_MIN_R2, type LawFit, type Section } from '../../contract/diagnostics';
import { fmt, fmtPercent } from './format';
import type { KeyResolver } from './keys';
import { indexAtOrBefore } from './series';
import { fitLine } from './stats';

export const MIN_LAW_POINTS = 4;

interface LawPoints {
  entropyKey: string;
  entropySource: LawFit['entropySource'];
  points: LawFit['points'];
  skipped: number;
}

/** Pairs eval accuracy with eval entropy at the same step, else the training entropy at or before it. */
function lawPoints(keys: KeyResolver): LawPoints | string {
  const acc = keys.get('evalAcc');
  if (!acc) return 'no eval accuracy logged (looked for eval/acc and trainer equivalents)';
  const evalEntropy = keys.get('evalEntropy');
  const entropy = evalEntropy ?? keys.get('entropy');
  if (!entropy) return `no entropy to pair with "${acc.key}"`;
  const exact = evalEntropy !== null;
  const points: LawFit['points'] = [];
  let skipped = 0;
  acc.points.steps.forEach((step, i) => {
    const j = indexAtOrBefore(entropy.points, step);
    if (j < 0 || (exact && entropy.points.steps[j] !== step)) {
      skipped++;
      return;
    }
    points.push({ step, entropy: entropy.points.values[j], acc: acc.points.values[i] });
  });
  return {
    entropyKey: entropy.key,
    entropySource: exact ? 'eval entropy at the step' : 'training entropy at or before the step',
    points,
    skipped,
  };
}

export function fitEntropyAccuracyLaw(keys: KeyResolver): Section<LawFit> {
  const found = lawPoints(keys);
  if (typeof found === 'string') return { status: 'unavailable', reason: found };
  const { points } = found;
  const accKey = (keys.get('evalAcc') as { key: string }).key;
  if (points.length < MIN_LAW_POINTS) {
    return {
      status: 'unavailable',
      reason: `too few eval points with an entropy: n = ${points.length}; the law needs at least ${MIN_LAW_POINTS}`,
    };
  }
  const accs = points.map((p) => p.acc);
  const accRange = { min: Math.min(...accs), max: Math.max(...accs) };
  if (accRange.max - accRange.min < LAW_MIN_ACC_RANGE) {
    return {
      status: 'unavailable',
      reason: `eval accuracy only spans ${fmtPercent(accRange.min)}–${fmtPercent(accRange.max)} over ${points.length} eval points; the law is fitted when it spans at least ${fmtPercent(LAW_MIN_ACC_RANGE)} (a flat accuracy leaves a and b undetermined)`,
    };
  }
  const fit = fitLine(
    points.map((p) => Math.exp(p.entropy)),
    accs,
  );
  if (!fit) {
    return {
      status: 'unavailable',
      reason: `degenerate: exp(H) does not vary over the ${points.length} eval points (entropy ${fmt(points[0].entropy)}), so a and b are undetermined`,
    };
  }
  const a = -fit.slope;
  const b = fit.intercept;
  const notes: string[] = [];
  if (found.skipped > 0) notes.push(`${found.skipped} eval point(s) had no entropy at or before their step`);
  if (a < 0) notes.push(`a = ${fmt(a)} < 0: accuracy rose with entropy here, unlike the law's regime`);
  const warnings: string[] = [];
  if (fit.r2 === null || fit.r2 < LAW_MIN_R2) {
    warnings.push(
      `weak fit: R² = ${fmt(fit.r2)} is below ${fmt(LAW_MIN_R2)}, so the law explains little of how accuracy moved here; a, b and the accuracy at H = 0 are not used in advice or group statistics`,
    );
  }
  return {
    status: 'ok',
    accKey,
    entropyKey: found.entropyKey,
    entropySource: found.entropySource,
    n: points.length,
    a,
    b,
    r2: fit.r2,
    accAtZeroEntropy: b - a,
    accRange,
    weak: warnings.length > 0,
    warnings,
    notes,
    points,
  };
}
