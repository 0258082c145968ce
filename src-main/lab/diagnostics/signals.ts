/**
 * Leading signals of an entropy collapse (issue 14), found wherever the log has the keys: responses
 * shrinking to a few tokens (a policy that learned to answer in one token has little entropy left to
 * lose), and reward saturation, most groups getting all-equal rewards so that GRPO's advantages and
 * gradients vanish for them (DAPO's dynamic sampling drops exactly these groups). Both are dated with
 * the summary numbers' lasting rule, so a noisy point neither starts nor ends one.
 */
import {
  LENGTH_COLLAPSE_FRACTION,
  SATURATION_SHARE,
  type CollapseDiagnosis,
  type LeadingSignal,
  type Section,
} from '../../contract/diagnostics';
import { describeCrossing, lastingDrop, lastingRise, summarizePoints, type Crossing } from '../../contract/summary';
import { fmt, fmtPercent } from './format';
import type { KeyResolver, Quantity, ResolvedSeries } from './keys';

interface SignalRule {
  kind: LeadingSignal['kind'];
  quantity: Quantity;
  /** The level and where the series crossed it to stay, or null. */
  find: (series: ResolvedSeries) => { threshold: number; crossing: Crossing } | null;
  describe: (s: Omit<LeadingSignal, 'text'>) => string;
}

function leadText(s: Omit<LeadingSignal, 'text'>): string {
  if (s.leadsCollapseBy === null) return '';
  if (s.leadsCollapseBy > 0) return `, ${s.leadsCollapseBy} steps before entropy collapsed`;
  if (s.leadsCollapseBy === 0) return ', at the step entropy collapsed';
  return `, ${-s.leadsCollapseBy} steps after entropy collapsed`;
}

export const SIGNAL_RULES: readonly SignalRule[] = [
  {
    kind: 'length-collapse',
    quantity: 'lenMean',
    find: (series) => {
      const start = series.points.values[0];
      if (!(start > 0)) return null;
      const threshold = LENGTH_COLLAPSE_FRACTION * start;
      const crossing = lastingDrop(series.points, threshold);
      return crossing ? { threshold, crossing } : null;
    },
    describe: (s) =>
      `response length collapsed: from ${fmt(s.start.value, 4)} tokens at step ${s.start.step} it fell below ${fmtPercent(LENGTH_COLLAPSE_FRACTION)} of that (${fmt(s.threshold, 4)}) at ${describeCrossing(s.crossing)} and stayed there (${fmt(s.final.value, 4)} at step ${s.final.step})${leadText(s)}`,
  },
  {
    kind: 'reward-saturation',
    quantity: 'groupZeroStdFrac',
    find: (series) => {
      const crossing = lastingRise(series.points, SATURATION_SHARE);
      return crossing ? { threshold: SATURATION_SHARE, crossing } : null;
    },
    describe: (s) =>
      `reward saturation: from ${describeCrossing(s.crossing)} on, at least ${fmtPercent(SATURATION_SHARE)} of the groups had all-equal rewards (${fmtPercent(s.crossing.value)} there, ${fmtPercent(s.final.value)} at step ${s.final.step}), so their advantages and gradients are 0${leadText(s)}`,
  },
];

export function findSignals(keys: KeyResolver, collapse: Section<CollapseDiagnosis>): LeadingSignal[] {
  const collapseStep = collapse.status === 'ok' ? collapse.collapseStep : null;
  const out: LeadingSignal[] = [];
  for (const rule of SIGNAL_RULES) {
    const series = keys.get(rule.quantity);
    const found = series ? rule.find(series) : null;
    if (!series || !found) continue;
    const summary = summarizePoints(series.points);
    const signal: Omit<LeadingSignal, 'text'> = {
      kind: rule.kind,
      key: series.key,
      aliasOf: keys.originalKey(series.key) === series.key ? null : keys.originalKey(series.key),
      threshold: found.threshold,
      crossing: found.crossing,
      start: summary.start!,
      final: summary.final!,
      leadsCollapseBy: collapseStep === null ? null : collapseStep - found.crossing.step,
    };
    out.push({ ...signal, text: rule.describe(signal) });
  }
  return out;
}
