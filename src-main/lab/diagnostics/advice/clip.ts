/** Advice about the clip settings, from the drift balance and clip fractions (research/paper.md). */
import type { DriftBalance } from '../../../contract/diagnostics';
import { fmt, fmtPercent, fmtSigned, fmtSteps } from '../format';
import {
  DOMINANCE_RATIO,
  MATERIAL_NET_SHARE,
  clipSweep,
  isFalling,
  logBalancedClipLow,
  round3,
  type AdviceContext,
  type AdviceRule,
} from './context';

/** Drifts of the logit-space estimate say so: on a network they can be far from the exact ones. */
const estimate = (d: DriftBalance) => (d.method === 'logit' ? ' (logit-space estimate)' : '');

function driftNumbers(d: DriftBalance): Record<string, number | null> {
  return {
    highToLow: d.highToLow,
    lowDriftCum: d.lowCum,
    highDriftCum: d.highCum,
    firstStep: d.firstStep,
    lastStep: d.lastStep,
    dominantSince: d.dominantSince,
  };
}

/** What would counter a clip-high surplus, given what the run says about its eps. */
function clipHighRemedy(ctx: AdviceContext): { text: string; lows: (number | null)[]; highs: (number | null)[] } {
  const { clipLow, clipHigh } = ctx.settings;
  const high = clipHigh ?? 0.2;
  const balanced = logBalancedClipLow(high);
  const current = clipLow ?? 0.2;
  const lows = [current, balanced, 0.1, 0.05].filter((v) => v <= current);
  const highs = [high, null];
  if (clipHigh === null) {
    return { text: 'a smaller eps_low than eps_high/(1+eps_high), or no upper clip, would counter it', lows, highs };
  }
  if (clipLow !== null && clipLow >= 1) {
    const text = `clip-low is off (eps_low = 1); switching it on at or below the log-balanced eps_high/(1+eps_high) = ${fmt(balanced)}, or no upper clip, would counter it`;
    return { text, lows: [1, balanced, 0.1, 0.05], highs };
  }
  if (clipLow !== null && clipLow <= balanced + 1e-9) {
    const smaller = round3(clipLow / 2);
    const text = `eps_low = ${fmt(clipLow)} is already at or below the log-balanced ${fmt(balanced)}; a more aggressive eps_low (e.g. ${fmt(smaller)}) or no upper clip would counter it`;
    return { text, lows: [clipLow, smaller, 0.05], highs };
  }
  const text = `a smaller eps_low (log-balanced: eps_high/(1+eps_high) = ${fmt(balanced)}) or no upper clip would counter it`;
  return { text, lows, highs };
}

/** Net clip drift as a share of the start entropy (null when the entropy start is unknown). */
function netShareOfStart(ctx: AdviceContext, d: DriftBalance): number | null {
  return ctx.collapse.status === 'ok' ? Math.abs(d.netCum) / ctx.collapse.start : null;
}

/**
 * A side's surplus matters when it is a clear multiple of the other side, or when the net push it
 * leaves is a material share of the entropy itself (two large, nearly equal drifts can still net out
 * to a big push over a long run).
 */
function surplusMatters(ratio: number | null, netShare: number | null): boolean {
  return ratio === null || ratio >= DOMINANCE_RATIO || (netShare !== null && netShare >= MATERIAL_NET_SHARE);
}

export const clipHighDominates: AdviceRule = (ctx) => {
  const d = ctx.clip.drift;
  if (!d || d.dominant !== 'clip-high') return null;
  const netShare = netShareOfStart(ctx, d);
  if (!surplusMatters(d.highToLow, netShare)) return null;
  const range = fmtSteps(d.firstStep, d.lastStep);
  const since =
    d.dominantSince !== null && d.dominantSince > d.firstStep ? `; ahead since step ${d.dominantSince}` : '';
  const net = netShare === null ? '' : `, net ${fmtSigned(d.netCum)} = ${fmtPercent(netShare)} of the start entropy`;
  const size =
    d.highToLow === null
      ? `clip-high drift${estimate(d)} is ${fmtSigned(d.highCum)} nats over ${range} with no clip-low drift${since}`
      : `clip-high drift${estimate(d)} is ${fmt(d.highToLow)}× clip-low drift over ${range} (cumulative ${fmtSigned(d.highCum)} vs ${fmtSigned(d.lowCum)} nats${net}${since})`;
  const remedy = clipHighRemedy(ctx);
  const { clipLow, clipHigh } = ctx.settings;
  return {
    id: 'clip-high-dominates',
    severity: isFalling(ctx.collapse) ? 'action' : 'info',
    text: `${size}; ${remedy.text}`,
    numbers: {
      ...driftNumbers(d),
      netDriftCum: d.netCum,
      netShareOfStart: netShare,
      clipLow,
      clipHigh,
      logBalancedClipLow: clipHigh === null ? null : logBalancedClipLow(clipHigh),
    },
    sweep: clipSweep(ctx, remedy.lows, remedy.highs),
  };
};

export const clipLowDominatesRising: AdviceRule = (ctx) => {
  const d = ctx.clip.drift;
  if (!d || d.dominant !== 'clip-low' || ctx.collapse.status !== 'ok' || ctx.collapse.verdict !== 'rising') return null;
  const lowToHigh = d.highCum === 0 ? null : Math.abs(d.lowCum) / Math.abs(d.highCum);
  if (!surplusMatters(lowToHigh, netShareOfStart(ctx, d))) return null;
  const { clipLow, clipHigh } = ctx.settings;
  const balanced = clipHigh === null ? null : logBalancedClipLow(clipHigh);
  const size =
    lowToHigh === null
      ? `clip-low drift${estimate(d)} is ${fmtSigned(d.lowCum)} nats with no clip-high drift`
      : `clip-low drift${estimate(d)} is ${fmt(lowToHigh)}× clip-high drift (cumulative ${fmtSigned(d.lowCum)} vs ${fmtSigned(d.highCum)} nats over ${fmtSteps(d.firstStep, d.lastStep)})`;
  const toward =
    balanced === null ? 'restoring an upper clip' : `a larger eps_low (toward the log-balanced ${fmt(balanced)})`;
  const current = clipLow ?? 0.2;
  return {
    id: 'clip-low-dominates',
    severity: 'info',
    text: `${size} and entropy is rising (ln H ${fmtSigned(ctx.collapse.windowLogChange)} over the last ${ctx.collapse.windowPoints} points); if that is unwanted, ${toward} would counter it`,
    numbers: { ...driftNumbers(d), lowToHigh, clipLow, clipHigh, logBalancedClipLow: balanced },
    sweep: clipSweep(
      ctx,
      [current, balanced ?? current, Math.min(1, current * 2)],
      [clipHigh ?? 0.2, clipHigh ?? 0.28],
    ),
  };
};

/** Every logged policy-KL point is exactly 0: the policy never moved between sampling and update. */
function klAlwaysZero(ctx: AdviceContext): boolean {
  return ctx.klPpo !== null && ctx.klPpo.points.values.every((v) => v === 0);
}

export const noClipping: AdviceRule = (ctx) => {
  const { updatesPerRollout: updates, clipLow, clipHighOff } = ctx.settings;
  // Both bounds switched off by the config: nothing can clip, and nothing is wrong with that.
  if (clipLow !== null && clipLow >= 1 && clipHighOff) return null;
  if (ctx.clip.clippingActive !== false && updates !== 1) return null;
  const logged = [ctx.clip.lowFrac, ctx.clip.highFrac, ctx.clip.combinedFrac].find((f) => f !== null);
  const seen = logged ? `no token was clipped ("${logged.key}" is 0 throughout)` : 'clip fractions were not logged';
  let why: string;
  if (updates === 1) {
    why =
      'with 1 update per rollout the ratio is ≡ 1, so clipping cannot act; more optimizer steps per rollout (optim.epochs × optim.minibatches) let it act';
  } else if (klAlwaysZero(ctx)) {
    why = `"${ctx.klPpo?.key}" is 0 throughout: the policy never moved between sampling and update, so the ratio stayed at 1 and clipping cannot act`;
  } else if (updates === null) {
    why =
      'either each rollout gets a single update (the ratio is then ≡ 1, e.g. TRL num_iterations = 1, or verl ppo_epochs = 1 with one mini-batch) or the policy moves too little per rollout for eps to bind';
  } else {
    why = `with ${updates} updates per rollout the policy moves too little per rollout for eps to bind; a larger lr or more updates per rollout would let clipping act`;
  }
  return {
    id: 'no-clipping',
    severity: 'warning',
    text: `${seen}: ${why}`,
    numbers: { updatesPerRollout: updates, maxClipFrac: logged?.max ?? null, clipFracKey: logged?.key ?? null },
  };
};

export const combinedOnly: AdviceRule = (ctx) => {
  const c = ctx.clip.combinedFrac;
  if (ctx.clip.attribution !== 'combined-only' || !c) return null;
  return {
    id: 'combined-only',
    severity: 'info',
    text: `clip fractions are combined only ("${c.key}", mean ${fmtPercent(c.mean)}): clip-low and clip-high cannot be attributed; TRL logs them apart (clip_ratio/low_mean, clip_ratio/high_mean), and a local rerun logs each side's entropy drift`,
    numbers: { combinedFracMean: c.mean, combinedFracRecent: c.recent, key: c.key },
  };
};
