/**
 * Where each diagnosed quantity lives in a run's series. Local runs log cliplab's canonical keys;
 * imported runs keep their trainer's names (research/anchors.md), so each quantity lists the canonical
 * key first and then the names verl, TRL and OpenRLHF use for the same meaning. A pattern entry
 * matches trainer keys that embed a dataset name (verl `val-core/<source>/acc/mean@1`).
 *
 * A trainer key whose meaning depends on the run's settings or on which trainer wrote it is left out
 * here, so only the import's canonical alias (lab/import/aliasTable.ts decides it) feeds the quantity:
 * `actor/entropy_loss` is verl's entropy under token-mean aggregation only, `train/entropy_loss` is
 * OpenRLHF's entropy but Stable-Baselines' minus the entropy, and `actor/pg_clipfrac_lower` counts
 * dual-clip events under verl's vanilla loss only.
 */
import type { KeyUse } from '../../contract/diagnostics';
import type { Points, SeriesPoints } from '../../contract/summary';
import { METRIC } from '../../contract/metrics';
import { finitePoints } from './series';

type KeyCandidate = string | RegExp;

export const QUANTITY_KEYS = {
  entropy: [
    METRIC.entropy,
    'actor/entropy', // verl
    'train/entropy', // TRL through TensorBoard / W&B
  ],
  evalEntropy: [METRIC.evalEntropy],
  evalAcc: [METRIC.evalAcc, /^val-core\/.+\/acc\/mean@1$/, /^eval\/eval_.+_pass1$/, 'eval_accuracy', 'eval/accuracy'],
  rewardMean: [METRIC.rewardMean, 'critic/score/mean', 'reward', 'train/reward', 'train/rollout/reward_mean'],
  clipLowFrac: [METRIC.clipLowFrac, 'clip_ratio/low_mean', 'train/clip_ratio/low_mean'],
  clipHighFrac: [METRIC.clipHighFrac, 'clip_ratio/high_mean', 'train/clip_ratio/high_mean'],
  /** Both sides counted together: all verl and OpenRLHF report. */
  clipCombinedFrac: [
    METRIC.clipFrac,
    'actor/pg_clipfrac', // verl
    'train/ppo_clip_ratio', // OpenRLHF
    'clip_ratio/region_mean', // TRL
    'train/clip_ratio/region_mean',
    'clip_ratio', // older TRL
  ],
  /** Dual-clip events (A < 0, r > c); verl's `pg_clipfrac_lower` arrives as the alias (see above). */
  clipDualFrac: [METRIC.clipDualFrac],
  clipLowGap: [METRIC.clipLowGap],
  clipHighGap: [METRIC.clipHighGap],
  /** The exact attribution (issue 13); the logit-space estimate has its own keys below. */
  clipLowDrift: [METRIC.clipLowDrift],
  clipHighDrift: [METRIC.clipHighDrift],
  clipDualDrift: [METRIC.clipDualDrift],
  entropyDelta: [METRIC.entropyDelta],
  entropyDeltaPred: [METRIC.entropyDeltaPred],
  entropyDeltaPredUnclipped: [METRIC.entropyDeltaPredUnclipped],
  entropyDeltaPredMomentum: [METRIC.entropyDeltaPredMomentum],
  entropyDeltaPredOther: [METRIC.entropyDeltaPredOther],
  entropyDeltaPredLogit: [METRIC.entropyDeltaPredLogit],
  clipLowDriftLogit: [METRIC.clipLowDriftLogit],
  clipHighDriftLogit: [METRIC.clipHighDriftLogit],
  ratioMin: [METRIC.ratioMin],
  ratioMax: [METRIC.ratioMax],
  klPpo: [METRIC.klPpo, 'actor/ppo_kl', 'train/ppo_kl'],
  lenMean: [
    METRIC.lenMean,
    'response_length/mean', // verl
    'completions/mean_length', // TRL
    'train/completions/mean_length',
    'completion_length', // older TRL
    'train/response_length', // OpenRLHF
  ],
  /** Share of groups whose rewards are all equal (no advantage, no gradient). */
  groupZeroStdFrac: [METRIC.groupZeroStdFrac, 'frac_reward_zero_std', 'train/frac_reward_zero_std'],
} satisfies Record<string, readonly KeyCandidate[]>;

export type Quantity = keyof typeof QUANTITY_KEYS;

export type SeriesByKey = Record<string, SeriesPoints>;

export interface ResolvedSeries {
  key: string;
  points: Points;
}

function matches(candidate: KeyCandidate, key: string): boolean {
  return typeof candidate === 'string' ? candidate === key : candidate.test(key);
}

/**
 * The first candidate key of a quantity that has at least one finite point. Patterns take the
 * alphabetically first matching key, so the choice does not depend on storage order.
 */
export function resolveQuantity(series: SeriesByKey, quantity: Quantity): ResolvedSeries | null {
  const keys = Object.keys(series).sort();
  for (const candidate of QUANTITY_KEYS[quantity] as readonly KeyCandidate[]) {
    for (const key of keys.filter((k) => matches(candidate, k))) {
      const points = finitePoints(series[key]);
      if (points.steps.length > 0) return { key, points };
    }
  }
  return null;
}

/** Resolves quantities and remembers which key fed each one, for the report. */
export class KeyResolver {
  private readonly used = new Map<Quantity, ResolvedSeries | null>();

  /** `aliases`: an import's canonical key -> the trainer key whose points it shares. */
  constructor(
    private readonly series: SeriesByKey,
    private readonly aliases: Record<string, string> = {},
  ) {}

  /** The trainer's own name for a key (itself unless it is an import's canonical alias). */
  originalKey(key: string): string {
    return this.aliases[key] ?? key;
  }

  get(quantity: Quantity): ResolvedSeries | null {
    if (!this.used.has(quantity)) this.used.set(quantity, resolveQuantity(this.series, quantity));
    return this.used.get(quantity) ?? null;
  }

  /** Every quantity found so far with its key, in a stable order. */
  uses(): KeyUse[] {
    const out: KeyUse[] = [];
    for (const quantity of Object.keys(QUANTITY_KEYS) as Quantity[]) {
      const hit = this.used.get(quantity);
      if (!hit) continue;
      const aliasOf = this.aliases[hit.key] ?? null;
      out.push({ quantity, key: hit.key, fallback: hit.key !== QUANTITY_KEYS[quantity][0], aliasOf });
    }
    return out;
  }
}

/**
 * Exact key names a diagnosis may read (patterns excluded): what the lab fetches for a run, after
 * adding the keys the run actually has that match a pattern (see `keysToFetch`).
 */
export function keysToFetch(available: readonly string[]): string[] {
  const wanted = new Set<string>();
  for (const candidates of Object.values(QUANTITY_KEYS) as (readonly KeyCandidate[])[]) {
    for (const c of candidates) {
      if (typeof c === 'string') {
        if (available.includes(c)) wanted.add(c);
      } else {
        for (const key of available) if (c.test(key)) wanted.add(key);
      }
    }
  }
  return [...wanted];
}
