/** One-click clip settings for the editor; the log-balanced one depends on the current eps_high. */
import { logBalancedClipLow, type ClipParams } from './surrogate';

export interface ClipPreset {
  id: string;
  label: string;
  /** What the button sets, given the current setting. */
  apply(current: ClipParams): ClipParams;
}

/** Typed values keep four decimals: 0.2 / 1.2 shows as 0.1667, not 0.16666666666666669. */
export function roundEps(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

export const CLIP_PRESETS: readonly ClipPreset[] = [
  { id: 'ppo', label: 'PPO 0.2 / 0.2', apply: (c) => ({ ...c, clipLow: 0.2, clipHigh: 0.2 }) },
  { id: 'dapo', label: 'DAPO 0.2 / 0.28', apply: (c) => ({ ...c, clipLow: 0.2, clipHigh: 0.28 }) },
  {
    id: 'aggressive-low',
    label: 'Aggressive clip-low 0.05 / off',
    apply: (c) => ({ ...c, clipLow: 0.05, clipHigh: null }),
  },
  {
    id: 'log-balanced',
    label: 'Log-balanced',
    apply: (c) => ({ ...c, clipLow: roundEps(logBalancedClipLow(c.clipHigh)) }),
  },
  { id: 'none', label: 'No clip', apply: () => ({ clipLow: 1, clipHigh: null, dualClip: null }) },
];
