/**
 * Gives an imported run cliplab's canonical keys where, and only where, a trainer key means the same
 * thing (aliasTable.ts). The original keys always stay; an alias is a second name for the same series.
 */
import { ALIAS_TABLE, type Trainer } from './aliasTable';
import type { FormatName, ImportedSeries, ParsedImport } from './types';

export interface AliasInfo {
  /** Whose key names the file uses. */
  trainer: Trainer;
  /** Canonical key -> the file's key it names. */
  aliases: Record<string, string>;
  /** Clipping is logged only as one fraction of both sides: diagnostics must say "combined only". */
  clipFractionCombined: boolean;
}

export type AliasedImport<T extends ParsedImport = ParsedImport> = T & AliasInfo;

const TRAINER_OF_FORMAT: Partial<Record<FormatName, Trainer>> = {
  'verl-jsonl': 'verl',
  'verl-console': 'verl',
  'trl-state': 'trl',
  'trl-console': 'trl',
};

/** Keys that only one trainer logs, for files (CSV, event files) that do not say who wrote them. */
const MARKERS: [Trainer, (has: (key: string) => boolean) => boolean][] = [
  ['verl', (has) => has('actor/pg_loss') || has('actor/entropy') || has('critic/score/mean') || has('actor/ppo_kl')],
  [
    'trl',
    (has) =>
      has('frac_reward_zero_std') || has('completions/mean_length') || has('clip_ratio/low_mean') || has('reward_std'),
  ],
  ['openrlhf', (has) => has('ppo_clip_ratio') || (has('policy_loss') && has('ppo_kl'))],
  ['sb3', (has) => has('policy_gradient_loss') || has('ep_rew_mean') || (has('clip_fraction') && has('approx_kl'))],
];

/** The name a key is matched under: TensorBoard writers put training scalars under `train/`. */
function matchName(key: string): string {
  return key.startsWith('train/') ? key.slice('train/'.length) : key;
}

/** matched name -> original key; an exact key wins over a `train/`-prefixed one. */
function namesOf(keys: Iterable<string>): Map<string, string> {
  const names = new Map<string, string>();
  for (const key of keys) {
    const name = matchName(key);
    if (!names.has(name) || name === key) names.set(name, key);
  }
  return names;
}

export function detectTrainer(format: FormatName, keys: Iterable<string>): Trainer {
  const fixed = TRAINER_OF_FORMAT[format];
  if (fixed) return fixed;
  const names = namesOf(keys);
  const has = (k: string) => names.has(k);
  return MARKERS.find(([, test]) => test(has))?.[0] ?? 'generic';
}

export function resolveAliases(format: FormatName, keys: Iterable<string>, params: Record<string, unknown>): AliasInfo {
  const originals = new Set(keys);
  const names = namesOf(originals);
  const trainer = detectTrainer(format, originals);
  const aliases: Record<string, string> = {};
  let combined = false;
  for (const rule of ALIAS_TABLE) {
    const key = rule.trainer === trainer ? names.get(rule.key) : undefined;
    if (key === undefined || (rule.when && !rule.when(params))) continue;
    if (rule.combinedClip) combined = true;
    if (rule.canonical === null || rule.canonical in aliases) continue;
    // Never shadow a key the file itself logs under the canonical name with a different series.
    if (originals.has(rule.canonical) && rule.canonical !== key) continue;
    aliases[rule.canonical] = key;
  }
  const sidesApart = 'clip/low_frac' in aliases || 'clip/high_frac' in aliases;
  return { trainer, aliases, clipFractionCombined: combined && !sidesApart };
}

/** The parsed run plus its canonical keys, each sharing the original key's points. */
export function withAliases<T extends ParsedImport>(parsed: T): T & AliasInfo {
  const info = resolveAliases(parsed.format, parsed.series.keys(), parsed.params);
  const series = new Map<string, ImportedSeries>(parsed.series);
  for (const [canonical, key] of Object.entries(info.aliases)) {
    const points = parsed.series.get(key);
    if (points && canonical !== key) series.set(canonical, points);
  }
  return { ...parsed, ...info, series };
}
