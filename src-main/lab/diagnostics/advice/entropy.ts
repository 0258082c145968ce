/** Advice about the entropy trend, its causes (random-reward control), the theory check and the law. */
import type { Advice } from '../../../contract/diagnostics';
import { fmt, fmtPercent, fmtSigned, fmtSteps } from '../format';
import { MIN_SEEDS, isFalling, type AdviceContext, type AdviceRule } from './context';

function howFar(ctx: AdviceContext): string {
  const c = ctx.collapse;
  if (c.status !== 'ok') return '';
  return c.verdict === 'collapsed'
    ? `collapsed (below ${fmtPercent(c.collapseFraction)} of its start ${fmt(c.start, 4)} from step ${c.collapseStep}; final ${fmtPercent(c.finalOverStart)} of start)`
    : `is falling (ln H ${fmtSigned(c.windowLogChange)} over ${fmtSteps(c.windowFirstStep, c.windowLastStep)}; final ${fmtPercent(c.finalOverStart)} of start)`;
}

export const collapseNeedsControl: AdviceRule = (ctx) => {
  if (!isFalling(ctx.collapse) || ctx.control.status === 'ok') return null;
  if (ctx.settings.rewardKind !== 'verifier' && ctx.settings.rewardKind !== null) return null;
  const launch = ctx.origin === 'local' && ctx.runId !== null ? ` (cliplab control ${ctx.runId})` : '';
  const under = ctx.settings.rewardKind === 'verifier' ? ' under true rewards' : '';
  return {
    id: 'collapse-needs-control',
    severity: 'action',
    text: `entropy ${howFar(ctx)}${under}; a random-reward control of the same config and seed${launch} would tell the reward's share from the clip's`,
    numbers: {
      verdict: ctx.collapse.verdict,
      finalOverStart: ctx.collapse.finalOverStart,
      collapseStep: ctx.collapse.collapseStep,
    },
  };
};

export const randomRewardDecline: AdviceRule = (ctx) => {
  const kind = ctx.settings.rewardKind;
  if (!isFalling(ctx.collapse) || (kind !== 'bernoulli' && kind !== 'gaussian')) return null;
  return {
    id: 'random-reward-decline',
    severity: 'info',
    text: `entropy ${howFar(ctx)} under random (${kind}) rewards, which carry no signal about the response: the fall comes from clipping and the optimizer, the bias the clip-low/clip-high analysis predicts`,
    numbers: { rewardKind: kind, finalOverStart: ctx.collapse.finalOverStart, verdict: ctx.collapse.verdict },
  };
};

export const controlSplitAdvice: AdviceRule = (ctx) => {
  const s = ctx.control;
  if (s.status !== 'ok' || s.controlShare === null) return null;
  const head = `of the run's ${fmtSigned(s.runChange)} nats entropy change over ${fmtSteps(s.firstStep, s.lastStep)}, the random-reward control "${s.controlName}" shows ${fmtSigned(s.controlChange)} (${fmtPercent(s.controlShare)}); ${fmtSigned(s.rewardChange)} is reward-driven`;
  let tail: string;
  if (s.controlShare < 0) {
    tail = 'the control moved the other way, so clipping works against the reward-driven change here';
  } else if (s.controlShare >= 0.5) {
    tail = 'the change is mostly clip- and optimizer-driven, so the clip settings (eps_low, eps_high) are the lever';
  } else {
    tail =
      'the change is mostly reward-driven sharpening; an entropy bonus (objective.entropyCoef), Clip-Cov or KL-Cov (objective.loss) or a smaller optim.lr would slow it';
  }
  return {
    id: 'control-split',
    severity: 'info',
    text: `${head}: ${tail}`,
    numbers: {
      runChange: s.runChange,
      controlChange: s.controlChange,
      rewardChange: s.rewardChange,
      controlShare: s.controlShare,
    },
  };
};

export const controlMismatch: AdviceRule = (ctx) => {
  const s = ctx.control;
  if (s.status !== 'ok' || !s.mismatches || s.mismatches.length === 0) return null;
  return {
    id: 'control-mismatch',
    severity: 'warning',
    text: `the control "${s.controlName}" is not a clean twin (${s.mismatches.length} difference(s): ${s.mismatches.slice(0, 3).join('; ')}): the split mixes in those differences`,
    numbers: { differences: s.mismatches.length },
  };
};

export const collapseSoon: AdviceRule = (ctx) => {
  const c = ctx.collapse;
  if (c.status !== 'ok' || c.verdict !== 'collapsing' || c.stepsToCollapse === null) return null;
  return {
    id: 'collapse-soon',
    severity: 'warning',
    text: `at the trailing rate (ln H slope ${fmt(c.logSlope)}/step over ${fmtSteps(c.windowFirstStep, c.windowLastStep)}) entropy reaches ${fmtPercent(c.collapseFraction)} of its start (${fmt(c.collapseLevel)}) in about ${c.stepsToCollapse} more steps`,
    numbers: { logSlope: c.logSlope, stepsToCollapse: c.stepsToCollapse, collapseLevel: c.collapseLevel },
  };
};

export const tooFewSeeds: AdviceRule = (ctx) => {
  const n = ctx.seedsInGroup;
  if (n === null || n >= MIN_SEEDS) return null;
  return {
    id: 'too-few-seeds',
    severity: 'warning',
    text: `only ${n} seed(s) of this config: seed-to-seed spread can exceed the effect of the clip settings, so run at least ${MIN_SEEDS} before comparing`,
    numbers: { seeds: n, minSeeds: MIN_SEEDS },
    // Only a local run can be relaunched with more seeds.
    ...(ctx.origin === 'local' ? { sweep: { baseRunId: ctx.runId, grid: {}, seeds: MIN_SEEDS } } : {}),
  };
};

export const theoryAgreement: AdviceRule = (ctx) => {
  const t = ctx.theory;
  if (t.status !== 'ok') return null;
  const numbers = `r = ${fmt(t.pearson)}, same sign on ${fmtPercent(t.signAgreement)} of ${t.n} steps, measured/predicted cumulative ${fmt(t.cumRatio)}`;
  const poor = t.pearson === null || t.pearson < 0.3 || t.signAgreement < 0.6;
  return {
    id: 'theory-check',
    severity: poor ? 'warning' : 'info',
    text: poor
      ? `the ${t.label} prediction tracks the measured entropy change poorly (${numbers}): trust the measured change`
      : `the ${t.label} prediction follows the measured entropy change (${numbers}); its size is off by the ratio shown`,
    numbers: { pearson: t.pearson, signAgreement: t.signAgreement, cumRatio: t.cumRatio, n: t.n },
  };
};

export const lawCeiling: AdviceRule = (ctx): Advice | null => {
  const law = ctx.law;
  if (law.status !== 'ok' || law.weak || law.a <= 0) return null;
  return {
    id: 'law-ceiling',
    severity: 'info',
    text: `the entropy–accuracy fit acc = -a·exp(H) + b (a = ${fmt(law.a)}, b = ${fmt(law.b)}, R² = ${fmt(law.r2)}, n = ${law.n}) predicts accuracy ${fmt(law.accAtZeroEntropy)} once entropy is used up (H = 0)`,
    numbers: { a: law.a, b: law.b, r2: law.r2, n: law.n, accAtZeroEntropy: law.accAtZeroEntropy },
  };
};
