/**
 * What the paper's argument says about a clip setting's entropy bias (research/paper.md): clip-low
 * raises entropy, clip-high lowers it, and the side whose bound is nearer to r = 1 in log space is
 * reached first. At 0.2 / 0.2 the upper bound is nearer (ln 1.2 = 0.182 < -ln 0.8 = 0.223), so
 * clip-high binds first; eps_low = eps_high / (1 + eps_high) balances the two. Which side's push on
 * entropy is larger also depends on how many tokens each clips and how rare they are: the paper
 * reports entropy falling at 0.2 / 0.2 on LLMs, cliplab's small-GPT reproduction did not (issue 14),
 * so the readout says which bound binds first and never states the outcome as a rule.
 */
import { CLIP_SETTINGS, formatFixed, type ObjectiveConfig } from '../../../src-main/contract';
import { logBalancedClipLow, type ClipParams } from './surrogate';

export type BiasDirection = 'down' | 'up' | 'balanced' | 'none';

export interface EntropyBias {
  direction: BiasDirection;
  headline: string;
  /** Sentences with the numbers behind the verdict. */
  reasons: string[];
  /** Conditions under which the verdict does not apply as stated (loss, updates per rollout, dual clip). */
  caveats: string[];
  /** -ln(1 - eps_low); null when clip-low is off. */
  lowDistance: number | null;
  /** ln(1 + eps_high); null when clip-high is off. */
  highDistance: number | null;
}

export interface BiasContext {
  loss?: ObjectiveConfig['loss'];
  /** optim.epochs x optim.minibatches. */
  updatesPerRollout?: number;
}

/** Distances within this share of each other count as log-balanced (rounding of typed values). */
const BALANCE_TOLERANCE = 0.005;

/**
 * Below this ratio of the two log distances the bounds alone do not settle the sign. In
 * research/paper.md's toy, 0.2 / 0.28 (lower bound 1.11x nearer) still ended slightly below no
 * clipping (2.04 vs 2.08), while 0.2 / 0.2 (upper 1.22x nearer, 1.91) and 0.1 / 0.2 (lower 1.73x
 * nearer, 2.46) ended clearly on the side the nearer bound predicts.
 */
const NEAR_BALANCE_RATIO = 1.15;

const f3 = (x: number) => formatFixed(x);

export function entropyBias(p: ClipParams, context: BiasContext = {}): EntropyBias {
  const lowDistance = p.clipLow < 1 ? -Math.log(1 - p.clipLow) : null;
  const highDistance = p.clipHigh === null ? null : Math.log(1 + p.clipHigh);
  const verdict = verdictOf(p, lowDistance, highDistance);
  const expectation = CLIP_SETTINGS.find((s) => s.clipLow === p.clipLow && s.clipHigh === p.clipHigh);
  if (expectation) verdict.reasons.push(`For ${expectation.label}: ${expectation.expectation}.`);
  return { ...verdict, caveats: caveatsOf(p, context), lowDistance, highDistance };
}

type Verdict = Pick<EntropyBias, 'direction' | 'headline' | 'reasons'>;

function verdictOf(p: ClipParams, low: number | null, high: number | null): Verdict {
  if (low === null && high === null) {
    return {
      direction: 'none',
      headline: 'No clip bias',
      reasons: [
        'Nothing is clipped, so clipping adds no entropy bias: entropy moves with the reward and the optimizer.',
      ],
    };
  }
  if (low === null) {
    return {
      direction: 'down',
      headline: 'Entropy bias downward: only clip-high acts',
      reasons: [
        `Clip-low is off (eps_low = 1); clip-high at r > ${f3(1 + (p.clipHigh as number))} stops boosting rare positive-advantage tokens, so entropy falls, faster than at 0.2 / 0.2.`,
      ],
    };
  }
  if (high === null) {
    return {
      direction: 'up',
      headline: 'Entropy bias upward: only clip-low acts',
      reasons: [
        `Clip-high is off; clip-low at r < ${f3(1 - p.clipLow)} stops pushing down rare negative-advantage tokens, so entropy ends above no clipping. The smaller eps_low, the stronger the push up.`,
      ],
    };
  }
  return bothSides(p, low, high);
}

function bothSides(p: ClipParams, low: number, high: number): Verdict {
  const distances = `ln(1 + eps_high) = ${f3(high)}, -ln(1 - eps_low) = ${f3(low)}`;
  const balanced = `log-balanced eps_low = eps_high / (1 + eps_high) = ${f3(logBalancedClipLow(p.clipHigh))}`;
  if (Math.abs(low - high) <= BALANCE_TOLERANCE * Math.max(low, high)) {
    return {
      direction: 'balanced',
      headline: 'About balanced: neither side dominates to first order',
      reasons: [`The bounds are equally far from r = 1 in log space (${distances}): this is the ${balanced}.`],
    };
  }
  const ratio = Math.max(low, high) / Math.min(low, high);
  if (ratio < NEAR_BALANCE_RATIO) {
    const nearer = high < low ? 'upper' : 'lower';
    return {
      direction: 'balanced',
      headline: `Near balance: the ${nearer} bound is only ${formatFixed(ratio, 2)}× nearer`,
      reasons: [
        `The bounds are almost equally far from r = 1 in log space (${distances}), the ${nearer} one slightly nearer. So close to balance the bounds alone do not settle the sign: expect entropy near what no clipping gives, and measure it against a random-reward control.`,
        `The ${balanced}.`,
      ],
    };
  }
  const measured =
    'Which push on entropy is larger also depends on how many tokens each side clips and how rare they are: a run shows it as the clip drift per side.';
  if (high < low) {
    return {
      direction: 'down',
      headline: 'Clip-high binds first: a pull toward lower entropy',
      reasons: [
        `The upper bound is nearer to r = 1 in log space (${distances}; ${formatFixed(ratio, 2)}× nearer), so ratios reach it first and clip-high binds before clip-low does. ${measured}`,
        `An eps_low below the ${balanced} puts the lower bound nearer instead.`,
      ],
    };
  }
  return {
    direction: 'up',
    headline: 'Clip-low binds first: a pull toward higher entropy',
    reasons: [
      `The lower bound is nearer to r = 1 in log space (${distances}; ${formatFixed(ratio, 2)}× nearer), so ratios reach it first and clip-low binds before clip-high does. ${measured}`,
    ],
  };
}

/** Loss modes whose clipping does not delete token gradients the way PPO's does (research/paper.md). */
const LOSS_CAVEATS: Partial<Record<ObjectiveConfig['loss'], string>> = {
  cispo:
    'CISPO clips only the importance weight and keeps every token’s gradient, so this clip-deletion bias does not apply.',
  gspo: 'GSPO clips the sequence-level ratio, so whole responses are clipped at once; the token-level argument holds only roughly.',
};

function caveatsOf(p: ClipParams, context: BiasContext): string[] {
  const caveats: string[] = [];
  if (context.updatesPerRollout === 1) {
    caveats.push(
      'With one optimizer step per rollout (optim.epochs × optim.minibatches = 1) the ratio stays exactly 1: nothing is clipped, so there is no clip bias at all.',
    );
  }
  const loss = context.loss && LOSS_CAVEATS[context.loss];
  if (loss) caveats.push(loss);
  if (p.dualClip !== null) {
    caveats.push(
      `Dual clip c = ${p.dualClip} floors negative-advantage terms where r > ${p.dualClip}; those are dual-clip events, not clip-low (verl’s pg_clipfrac_lower counts them).`,
    );
  }
  return caveats;
}
