/**
 * One token drawn from one row of log-probabilities over the whole vocabulary, in float64, with
 * the exact entropy of that distribution (the paper's quantity: never of a truncated one). Top-p
 * (nucleus, arXiv 1904.09751) draws from the smallest set of most likely tokens holding at least
 * `topP` of the mass; the recorded log-probability is still the full distribution's, which is what
 * the trainer recomputes as pi_old (as verl and TRL do).
 */
import type { Rng } from '../../types';

export interface Draw {
  token: number;
  logp: number;
  entropy: number;
}

export interface DrawOptions {
  greedy: boolean;
  topP: number;
  rng: Rng;
}

/** Smallest probability inside the nucleus: tokens at or above it hold at least topP. */
function nucleusThreshold(probs: Float64Array, topP: number): number {
  const sorted = Float64Array.from(probs).sort(); // ascending
  let mass = 0;
  for (let i = sorted.length - 1; i >= 0; i--) {
    mass += sorted[i];
    if (mass >= topP) return sorted[i];
  }
  return 0;
}

/** Draws from lp[offset .. offset + n). */
export function drawFromLogProbs(lp: Float32Array, offset: number, n: number, opts: DrawOptions): Draw {
  const probs = new Float64Array(n);
  let entropy = 0;
  let total = 0;
  let best = 0;
  for (let a = 0; a < n; a++) {
    const l = lp[offset + a];
    const p = Math.exp(l);
    probs[a] = p;
    total += p;
    if (p > 0) entropy -= p * l;
    if (l > lp[offset + best]) best = a;
  }
  let token = best;
  if (!opts.greedy) {
    const floor = opts.topP < 1 ? nucleusThreshold(probs, opts.topP * total) : 0;
    let kept = 0;
    for (let a = 0; a < n; a++) if (probs[a] >= floor) kept += probs[a];
    // Inverse CDF over the kept tokens; scaling u by their sum keeps every draw exact.
    const u = opts.rng.next() * kept;
    let cumulative = 0;
    for (let a = 0; a < n; a++) {
      if (probs[a] <= 0 || probs[a] < floor) continue;
      cumulative += probs[a];
      token = a;
      if (u < cumulative) break;
    }
  }
  return { token, logp: lp[offset + token], entropy };
}
