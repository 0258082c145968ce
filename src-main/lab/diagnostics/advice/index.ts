/**
 * Advice grounded in a run's numbers (issue 5, item 7): a registry of rules, each reading the
 * computed sections and returning one line that cites the numbers that triggered it, or nothing.
 */
import type { Advice } from '../../../contract/diagnostics';
import { clipHighDominates, clipLowDominatesRising, combinedOnly, noClipping } from './clip';
import type { AdviceContext, AdviceRule } from './context';
import {
  collapseNeedsControl,
  collapseSoon,
  controlMismatch,
  controlSplitAdvice,
  lawCeiling,
  randomRewardDecline,
  theoryAgreement,
  tooFewSeeds,
} from './entropy';

/** In report order: what to change first, then why, then supporting checks. */
export const ADVICE_RULES: readonly AdviceRule[] = [
  noClipping,
  clipHighDominates,
  clipLowDominatesRising,
  collapseNeedsControl,
  controlSplitAdvice,
  controlMismatch,
  randomRewardDecline,
  collapseSoon,
  combinedOnly,
  tooFewSeeds,
  theoryAgreement,
  lawCeiling,
];

export function adviseRun(ctx: AdviceContext): Advice[] {
  return ADVICE_RULES.map((rule) => rule(ctx)).filter((a): a is Advice => a !== null);
}

export { logBalancedClipLow, MIN_SEEDS, DOMINANCE_RATIO, type AdviceContext } from './context';
