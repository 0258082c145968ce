/** The scalar diagnostics of a run, flat by name (SCALAR_LABELS), for tables and seed-group statistics. */
import type { RunDiagnosis } from '../../contract/diagnostics';
import type { KeyResolver } from './keys';
import { finiteOrNull, mean } from './stats';

type Sections = Pick<RunDiagnosis, 'collapse' | 'signals' | 'clip' | 'theory' | 'control' | 'law'>;

export function scalarsOf(s: Sections, keys: KeyResolver): Record<string, number | null> {
  const c = s.collapse.status === 'ok' ? s.collapse : null;
  const d = s.clip.drift;
  const t = s.theory.status === 'ok' ? s.theory : null;
  const ctl = s.control.status === 'ok' ? s.control : null;
  // A fit the data do not support (LAW_MIN_R2) stays out of group statistics.
  const law = s.law.status === 'ok' && !s.law.weak ? s.law : null;
  const signal = (kind: string) => s.signals.find((x) => x.kind === kind)?.crossing.step;
  const reward = keys.get('rewardMean');
  const acc = keys.get('evalAcc');
  const raw: Record<string, number | null | undefined> = {
    'entropy.start': c?.start,
    'entropy.final': c?.final,
    'entropy.finalOverStart': c?.finalOverStart,
    'entropy.logSlope': c?.logSlope,
    'entropy.collapseStep': c?.collapseStep,
    'entropy.halfLifeStep': c?.halfLifeStep,
    'entropy.peak': c?.peak.value,
    'len.collapseStep': signal('length-collapse'),
    'reward.saturationStep': signal('reward-saturation'),
    'clip.lowDriftCum': d?.lowCum,
    'clip.highDriftCum': d?.highCum,
    'clip.dualDriftCum': d?.dualCum,
    'clip.netDriftCum': d?.netCum,
    'clip.highToLow': d?.highToLow,
    'clip.lowFracMean': s.clip.lowFrac?.mean,
    'clip.highFracMean': s.clip.highFrac?.mean,
    'clip.combinedFracMean': s.clip.combinedFrac?.mean,
    'clip.lowGapMean': s.clip.lowGap?.mean,
    'clip.highGapMean': s.clip.highGap?.mean,
    'theory.pearson': t?.pearson,
    'theory.cumRatio': t?.cumRatio,
    'theory.slope': t?.slope,
    'theory.signAgreement': t?.signAgreement,
    'theory.unclippedCum': t?.parts?.unclipped,
    'theory.momentumCum': t?.parts?.momentum,
    'control.rewardChange': ctl?.rewardChange,
    'control.controlChange': ctl?.controlChange,
    'law.a': law?.a,
    'law.b': law?.b,
    'law.r2': law?.r2,
    'law.accAtZeroEntropy': law?.accAtZeroEntropy,
    'reward.mean': reward ? mean(reward.points.values) : null,
    'eval.finalAcc': acc ? acc.points.values[acc.points.values.length - 1] : null,
  };
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, finiteOrNull(v)]));
}
