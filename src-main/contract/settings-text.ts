/**
 * One spelling of a switched-off setting (issue 14): "off", with what it means, in the UI, the CLI,
 * legends, run names and exports alike. As input, `--set objective.clipHigh=off` (and the older
 * "none", "inf", "null") and `objective.clipLow=off` (stored as 1) are accepted (config.ts).
 */

export const OFF = 'off';

interface OffSetting {
  /** The stored value that means off. */
  isOff: (value: unknown) => boolean;
  /** What off means, in a sentence. */
  meaning: string;
}

/** Config paths that can be switched off, and what off means for each. */
export const OFF_SETTINGS: Readonly<Record<string, OffSetting>> = {
  'objective.clipLow': {
    isOff: (v) => v === 1,
    meaning: 'clip-low off: ε_low = 1 puts the lower bound 1 − ε_low at ratio 0, which never binds',
  },
  'objective.clipHigh': {
    isOff: (v) => v === null,
    meaning: 'clip-high off: no upper bound 1 + ε_high on the ratio',
  },
  'objective.dualClip': {
    isOff: (v) => v === null,
    meaning: 'dual clip off: no floor c·A for negative advantages',
  },
  'optim.gradClip': {
    isOff: (v) => v === null,
    meaning: 'gradient clipping off: the gradient norm is not capped',
  },
};

/** What null means for nullable settings that are not "off" (the form's switch reads the same). */
export const NULL_TEXT: Readonly<Record<string, string>> = {
  'policy.context': "task's need",
  'policy.base.targetAcc': 'run all steps',
};

/** The last segment of a path: `objective.clipHigh` -> `clipHigh` (legends name keys so). */
const leaf = (path: string) => path.split('.').pop() ?? path;

/** True when `value` switches the setting at `path` off. Paths match by their last segment too. */
export function isOffSetting(path: string, value: unknown): boolean {
  const rule = OFF_SETTINGS[path] ?? Object.entries(OFF_SETTINGS).find(([p]) => leaf(p) === path)?.[1];
  return rule ? rule.isOff(value) : false;
}

/** A config value as people read it: "off" where it switches the setting off, numbers as written. */
export function settingText(path: string, value: unknown): string {
  if (isOffSetting(path, value)) return OFF;
  if (value === null || value === undefined) return NULL_TEXT[path] ?? OFF;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** "0.2 / off": eps_low / eps_high as run names, tables and the CLI show them. */
export function clipPairText(clipLow: number, clipHigh: number | null): string {
  return `${settingText('objective.clipLow', clipLow)} / ${settingText('objective.clipHigh', clipHigh)}`;
}
