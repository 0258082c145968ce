/**
 * Naming series by what sets them apart: the config values in which runs differ (MLflow #7980,
 * W&B #2470). The config diff of the Compare view uses the same helpers.
 */
import { canonicalJson } from '../identity';
import { isOffSetting, settingText } from '../settings-text';

/** A config flattened to dotted leaf paths (`objective.clipLow`), arrays kept whole as leaves. */
export function flattenConfig(config: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    if (prefix) out.set(prefix, config);
    return out;
  }
  for (const [key, value] of Object.entries(config)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [p, v] of flattenConfig(value, path)) out.set(p, v);
    } else if (value !== undefined) {
      out.set(path, value);
    }
  }
  return out;
}

export interface DiffOptions {
  /** Dotted paths (or path prefixes) left out of the comparison, e.g. `name`, `log`. @default ['name'] */
  ignore?: readonly string[];
}

const ignored = (path: string, ignore: readonly string[]) => ignore.some((p) => path === p || path.startsWith(`${p}.`));

/**
 * Dotted keys whose value is not the same in every config (a key missing from some configs counts as
 * differing), in the order they first appear. Configs that are null (imported runs without one) are
 * skipped.
 */
export function differingKeys(configs: readonly unknown[], options: DiffOptions = {}): string[] {
  const ignore = options.ignore ?? ['name'];
  const flat = configs.filter((c) => c !== null && c !== undefined).map((c) => flattenConfig(c));
  if (flat.length < 2) return [];
  const keys: string[] = [];
  const seen = new Set<string>();
  for (const f of flat) {
    for (const k of f.keys()) {
      if (seen.has(k) || ignored(k, ignore)) continue;
      seen.add(k);
      keys.push(k);
    }
  }
  return keys.filter((k) => new Set(flat.map((f) => (f.has(k) ? canonicalJson(f.get(k)) : '\u0000'))).size > 1);
}

/**
 * Shortest dotted suffix of each key that no other key ends with: `objective.clipLow` -> `clipLow`,
 * but `task.seed` and `seed` stay apart.
 */
export function shortKeyNames(keys: readonly string[]): string[] {
  return keys.map((key) => {
    const parts = key.split('.');
    for (let n = 1; n < parts.length; n++) {
      const suffix = parts.slice(-n).join('.');
      if (keys.every((other) => other === key || !(other === suffix || other.endsWith(`.${suffix}`)))) return suffix;
    }
    return key;
  });
}

/**
 * How a config value reads in a legend or diff: numbers as written, a switched-off setting as "off"
 * (settings-text.ts; `path` tells which values mean off), other nulls as what they mean.
 */
export function formatConfigValue(value: unknown, path = ''): string {
  if (value === null || value === undefined || isOffSetting(path, value)) return settingText(path, value);
  if (typeof value === 'string') return value;
  return canonicalJson(value);
}

/**
 * How a paper writes the config keys it talks about: ε_low and ε_high for the clip range (arXiv
 * 2509.26114's notation), c for the dual-clip bound (Ye et al. 2020). A Greek letter followed by
 * `_word` is drawn with the word as a subscript in exported figures (paper-legend.ts).
 */
export const PAPER_SYMBOLS: Readonly<Record<string, { symbol: string; none: string }>> = {
  'objective.clipLow': { symbol: 'ε_low', none: 'off' },
  'objective.clipHigh': { symbol: 'ε_high', none: 'off' },
  'objective.dualClip': { symbol: 'c', none: 'off' },
};

/** `ε_low = 0.05`, `ε_high off`; other keys `clipHigh=0.2` as before. */
function paperTerm(key: string, short: string, value: unknown): string {
  const known = PAPER_SYMBOLS[key];
  if (!known) return `${short} = ${formatConfigValue(value, key)}`;
  // eps_low = 1 is clip-low off too, not "ε_low = 1" (settings-text.ts).
  return value === null || value === undefined || isOffSetting(key, value)
    ? `${known.symbol} ${known.none}`
    : `${known.symbol} = ${formatConfigValue(value, key)}`;
}

export interface LegendNameOptions extends DiffOptions {
  /** Write the keys as a paper does (`ε_low = 0.05, ε_high off`) instead of `clipLow=0.05`. @default false */
  paperNotation?: boolean;
  /** Used for a config that is null, or when no key (or too many keys) set it apart: run or group names. */
  fallback?: readonly string[];
  /** More differing keys than this make a name unreadable: the fallback is used instead. @default 4 */
  maxKeys?: number;
}

/**
 * One legend name per config, `clipLow=0.1, clipHigh=0.28`, from the keys that differ and that this
 * config has. Falls back to `fallback[i]` (or `#i+1`) when the config is null, has none of those keys,
 * or has more than `maxKeys` of them.
 */
export function legendNames(configs: readonly unknown[], options: LegendNameOptions = {}): string[] {
  const keys = differingKeys(configs, options);
  const shortNames = shortKeyNames(keys);
  const short = new Map(keys.map((k, j) => [k, shortNames[j]]));
  const maxKeys = options.maxKeys ?? 4;
  return configs.map((config, i) => {
    const fallback = options.fallback?.[i] ?? `#${i + 1}`;
    if (config === null || config === undefined) return fallback;
    const flat = flattenConfig(config);
    const own = keys.filter((k) => flat.has(k));
    if (own.length === 0 || own.length > maxKeys) return fallback;
    const term = options.paperNotation
      ? (k: string) => paperTerm(k, short.get(k)!, flat.get(k))
      : (k: string) => `${short.get(k)}=${formatConfigValue(flat.get(k), k)}`;
    return own.map(term).join(', ');
  });
}
