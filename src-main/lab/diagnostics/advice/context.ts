/** What every advice rule sees: the run's computed sections and settings. Rules only read numbers. */
import type { Advice, CollapseDiagnosis, RunDiagnosis, SweepSuggestion } from '../../../contract/diagnostics';
import type { ResolvedSeries } from '../keys';

/** The run's diagnosis sections, as RunDiagnosis holds them, and what the rules need besides. */
export interface AdviceContext extends Pick<
  RunDiagnosis,
  'settings' | 'collapse' | 'clip' | 'theory' | 'control' | 'law'
> {
  runId: number | null;
  origin: 'local' | 'imported' | 'remote';
  /** Seeds of this run's config in the store (null when unknown). */
  seedsInGroup: number | null;
  klPpo: ResolvedSeries | null;
}

export type AdviceRule = (ctx: AdviceContext) => Advice | null;

/** A side "dominates" when its cumulative drift is at least this many times the other's. */
export const DOMINANCE_RATIO = 1.25;
/** ...or when the net drift it leaves is at least this share of the start entropy. */
export const MATERIAL_NET_SHARE = 0.1;
/** Fewer seeds per setting than this cannot separate the clip effect from seed-to-seed spread. */
export const MIN_SEEDS = 3;

/**
 * The log-balanced eps_low for an eps_high: equal distance from 1 in log space,
 * -log(1 - eps_low) = log(1 + eps_high) (research/paper.md): 0.167 for 0.2, 0.219 for 0.28.
 */
export function logBalancedClipLow(clipHigh: number): number {
  return clipHigh / (1 + clipHigh);
}

export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Distinct values, largest first, nulls (no clip) last. */
function distinctDescending(values: readonly (number | null)[]): (number | null)[] {
  const numbers = [...new Set(values.filter((v): v is number => v !== null).map(round3))].sort((x, y) => y - x);
  return values.includes(null) ? [...numbers, null] : numbers;
}

export function clipSweep(
  ctx: AdviceContext,
  clipLows: readonly (number | null)[],
  clipHighs: readonly (number | null)[],
): SweepSuggestion {
  return {
    baseRunId: ctx.origin === 'local' ? ctx.runId : null,
    grid: {
      'objective.clipLow': distinctDescending(clipLows),
      'objective.clipHigh': distinctDescending(clipHighs),
    },
    seeds: Math.max(MIN_SEEDS, ctx.seedsInGroup ?? 0),
  };
}

export function isFalling(collapse: AdviceContext['collapse']): collapse is { status: 'ok' } & CollapseDiagnosis {
  return collapse.status === 'ok' && (collapse.verdict === 'collapsed' || collapse.verdict === 'collapsing');
}
