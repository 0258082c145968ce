/**
 * The clip settings a diagnosis reasons with: from a local run's config, or from the hyperparameters
 * an import carried (verl, TRL and OpenRLHF names, research/anchors.md). Unknown stays null: advice
 * then speaks without numbers rather than assuming the defaults.
 */
import type { RunConfig } from '../../contract/config';
import type { ClipSettingsInfo } from '../../contract/diagnostics';

export function clipSettingsFromConfig(config: RunConfig): ClipSettingsInfo {
  const { objective, optim, reward } = config;
  return {
    clipLow: objective.clipLow,
    clipHigh: objective.clipHigh,
    clipHighOff: objective.clipHigh === null,
    dualClip: objective.dualClip,
    updatesPerRollout: optim.epochs * optim.minibatches,
    rewardKind: reward.kind,
    lr: optim.lr,
    sources: Object.fromEntries(
      ['clipLow', 'clipHigh', 'dualClip', 'updatesPerRollout', 'rewardKind', 'lr'].map((k) => [k, 'config']),
    ),
  };
}

/** Flattens nested params to dotted keys, so `{a: {b: 1}}` and `{"a.b": 1}` read alike. */
function flatten(params: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}) {
  for (const [k, v] of Object.entries(params)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out);
    else out[key] = v;
  }
  return out;
}

/** Param names whose dotted key ends with `name`, in a stable order. */
function paramsNamed(flat: Record<string, unknown>, name: string): string[] {
  return Object.keys(flat)
    .sort()
    .filter((k) => k === name || k.endsWith(`.${name}`) || k.endsWith(`/${name}`) || k === `--${name}`);
}

/**
 * The first param, trying `names` in order (most specific first), whose value parses. A null value
 * (verl `clip_ratio_high: null`, TRL `epsilon_high=None`) means "same as the symmetric setting", so
 * the search goes on to the next name.
 */
function readParam<T>(flat: Record<string, unknown>, names: readonly string[], parse: (v: unknown) => T | null) {
  for (const name of names) {
    for (const key of paramsNamed(flat, name)) {
      const value = parse(flat[key]);
      if (value !== null) return { key, value };
    }
  }
  return null;
}

function asNumber(value: unknown): number | null {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
}

/** An upper clip written as "inf"/Infinity is switched off; null stays "not said". */
function asUpperClip(value: unknown): number | 'off' | null {
  if (value === Infinity) return 'off';
  if (typeof value === 'string' && ['inf', 'infinity', 'none', 'off'].includes(value.trim().toLowerCase()))
    return 'off';
  return asNumber(value);
}

const PARAM_NAMES = {
  clipLow: ['clip_ratio_low', 'epsilon', 'clip_ratio', 'eps_clip'],
  clipHigh: ['clip_ratio_high', 'epsilon_high', 'clip_ratio', 'epsilon', 'eps_clip'],
  /** OpenRLHF: --actor.eps_clip_low_high LOW HIGH */
  lowHighPair: ['eps_clip_low_high'],
  dualClip: ['clip_ratio_c'],
  lr: ['actor_rollout_ref.actor.optim.lr', 'learning_rate', 'actor_learning_rate', 'lr'],
} as const;

function asPair(value: unknown): [number, number] | null {
  const parts = typeof value === 'string' ? value.trim().split(/[\s,]+/) : value;
  if (!Array.isArray(parts) || parts.length !== 2) return null;
  const [low, high] = parts.map(asNumber);
  return low !== null && high !== null ? [low, high] : null;
}

export function clipSettingsFromParams(params: Record<string, unknown>): ClipSettingsInfo {
  const flat = flatten(params);
  const sources: Record<string, string> = {};
  const note = <T>(field: string, hit: { key: string; value: T } | null): T | null => {
    if (hit) sources[field] = hit.key;
    return hit ? hit.value : null;
  };
  const pair = readParam(flat, PARAM_NAMES.lowHighPair, asPair);
  const clipLow = pair
    ? (note('clipLow', pair) as [number, number])[0]
    : note('clipLow', readParam(flat, PARAM_NAMES.clipLow, asNumber));
  const high = pair
    ? (note('clipHigh', pair) as [number, number])[1]
    : note('clipHigh', readParam(flat, PARAM_NAMES.clipHigh, asUpperClip));
  return {
    clipLow,
    clipHigh: high === 'off' ? null : high,
    clipHighOff: high === 'off',
    dualClip: note('dualClip', readParam(flat, PARAM_NAMES.dualClip, asNumber)),
    // Updates per rollout are not recoverable from trainer params alone (verl splits a rollout into
    // mini-batches by size, TRL by generation steps): the data (clip fractions, ppo_kl) decides.
    updatesPerRollout: null,
    rewardKind: null,
    lr: note('lr', readParam(flat, PARAM_NAMES.lr, asNumber)),
    sources,
  };
}

export function unknownClipSettings(): ClipSettingsInfo {
  return {
    clipLow: null,
    clipHigh: null,
    clipHighOff: false,
    dualClip: null,
    updatesPerRollout: null,
    rewardKind: null,
    lr: null,
    sources: {},
  };
}
