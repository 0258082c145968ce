/**
 * Rotary position embeddings (RoFormer, arXiv 2104.09864) with the frequency scalings Llama-family
 * configs use: linear (position interpolation), llama3 (Llama 3.1's wavelength-banded scaling) and
 * YaRN (arXiv 2309.00071). HF's layout rotates the two halves of each head: with c = cos(p w),
 * s = sin(p w), (x1, x2) -> (x1 c - x2 s, x2 c + x1 s). Tables are float32 with the rounding
 * transformers applies (inv_freq and the angle in float32), so angles agree to the last bit.
 */
import type { RopeSpec } from './spec';

const f32 = Math.fround;

/** w_i = 1 / theta^(2i / D) for i < D/2, in float32. */
function baseFrequencies(theta: number, headDim: number): Float64Array {
  const half = headDim / 2;
  return Float64Array.from({ length: half }, (_, i) => f32(1 / f32(theta ** f32((2 * i) / headDim))));
}

/** Llama 3.1: long wavelengths divided by `factor`, short ones kept, a smooth blend between. */
function llama3Frequencies(w: Float64Array, r: RopeSpec): Float64Array {
  const lowWavelen = r.originalMaxPositions / r.lowFreqFactor;
  const highWavelen = r.originalMaxPositions / r.highFreqFactor;
  return w.map((freq) => {
    const wavelen = (2 * Math.PI) / freq;
    if (wavelen > lowWavelen) return f32(freq / r.factor);
    if (wavelen < highWavelen) return freq;
    const smooth = (r.originalMaxPositions / wavelen - r.lowFreqFactor) / (r.highFreqFactor - r.lowFreqFactor);
    return f32((1 - smooth) * (freq / r.factor) + smooth * freq);
  });
}

/** YaRN: interpolate low frequencies, extrapolate high ones, a linear ramp between. */
function yarnFrequencies(w: Float64Array, r: RopeSpec, theta: number, headDim: number): Float64Array {
  const correctionDim = (rotations: number) =>
    (headDim * Math.log(r.originalMaxPositions / (rotations * 2 * Math.PI))) / (2 * Math.log(theta));
  const round = (x: number, f: (y: number) => number) => (r.truncate ? f(x) : x);
  const low = Math.max(round(correctionDim(r.betaFast), Math.floor), 0);
  let high = Math.min(round(correctionDim(r.betaSlow), Math.ceil), headDim - 1);
  if (low === high) high += 0.001;
  return w.map((freq, i) => {
    const ramp = Math.min(Math.max((i - low) / (high - low), 0), 1);
    const extrapolation = 1 - ramp;
    const interpolated = f32(1 / f32(r.factor / freq));
    return f32(interpolated * (1 - extrapolation) + freq * extrapolation);
  });
}

/** Per-dimension frequencies for a head of size headDim. */
export function ropeFrequencies(r: RopeSpec, headDim: number): Float64Array {
  const w = baseFrequencies(r.theta, headDim);
  switch (r.type) {
    case 'default':
      return w;
    case 'linear':
      return w.map((freq) => f32(freq / r.factor));
    case 'llama3':
      return llama3Frequencies(w, r);
    case 'yarn':
      return yarnFrequencies(w, r, r.theta, headDim);
  }
}

/** Scale applied to cos and sin (YaRN's attention temperature; 1 otherwise). */
export function ropeScale(r: RopeSpec): number {
  if (r.type !== 'yarn') return 1;
  if (r.attentionFactor !== null) return r.attentionFactor;
  const mscale = (scale: number, m = 1) => (scale <= 1 ? 1 : 0.1 * m * Math.log(scale) + 1);
  if (r.mscale && r.mscaleAllDim) return mscale(r.factor, r.mscale) / mscale(r.factor, r.mscaleAllDim);
  return mscale(r.factor);
}

/**
 * cos and signed sin for each row's position, laid out for `applyRope`: [rows, D] where both
 * halves of a row hold the same angles, and the sine's first half is negated (x1 c - x2 s).
 */
export class RopeTable {
  private readonly freqs: Float64Array;
  private readonly scale: number;

  constructor(
    spec: RopeSpec,
    readonly headDim: number,
  ) {
    this.freqs = ropeFrequencies(spec, headDim);
    this.scale = ropeScale(spec);
  }

  rows(positions: Int32Array): { cos: Float32Array; sin: Float32Array } {
    const d = this.headDim;
    const half = d / 2;
    const cos = new Float32Array(positions.length * d);
    const sin = new Float32Array(positions.length * d);
    for (let r = 0; r < positions.length; r++) {
      const p = positions[r];
      for (let i = 0; i < half; i++) {
        const angle = f32(p * this.freqs[i]);
        const c = f32(Math.cos(angle) * this.scale);
        const s = f32(Math.sin(angle) * this.scale);
        cos[r * d + i] = cos[r * d + half + i] = c;
        sin[r * d + i] = -s;
        sin[r * d + half + i] = s;
      }
    }
    return { cos, sin };
  }
}
