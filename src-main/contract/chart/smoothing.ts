/**
 * Smoothing of logged curves. One method: the debiased exponential moving average.
 *
 * TensorBoard's EMA starts its accumulator at 0 and divides by (1 - w^k) to undo the pull towards 0
 * (the zero-init bias correction of Adam); Aim's EMA starts at the first value instead, which biases the
 * whole start of the curve towards it (TensorBoard #610). Smoothing runs on the full-resolution series,
 * before any decimation, so the curve does not change with how many points are drawn (TensorBoard
 * #1518, #3493).
 */

/** Largest weight accepted: at 0.999 a point still carries 1/1000 of the weight. */
export const MAX_SMOOTHING = 0.999;

export function checkSmoothingWeight(weight: number): void {
  if (!Number.isFinite(weight) || weight < 0 || weight > MAX_SMOOTHING) {
    throw new RangeError(`smoothing: expected a weight from 0 to ${MAX_SMOOTHING}, got ${weight}`);
  }
}

/**
 * Debiased EMA of `values` with weight `w` (0 = no smoothing):
 *   m_k = w * m_{k-1} + (1 - w) * v_k,  m_0 = 0,  s_k = m_k / (1 - w^k)
 * written in the equivalent incremental form s_k = s_{k-1} + (v_k - s_{k-1}) * (1 - w) / (1 - w^k),
 * which keeps a constant series exactly constant (the ratio form drifts in the last bit).
 * k counts finite points only: null and NaN stay gaps in the output and do not move the average.
 */
export function smoothEma(values: ArrayLike<number | null>, weight: number): (number | null)[] {
  const floats = smoothEmaFloats(values, weight);
  const out: (number | null)[] = new Array(floats.length);
  for (let i = 0; i < floats.length; i++) out[i] = Number.isNaN(floats[i]) ? null : floats[i];
  return out;
}

/**
 * smoothEma as a Float64Array, NaN at the gaps: what the figure worker sends, built without a list of
 * boxed numbers in between (issue 20). smoothEma is this with NaN read back as null.
 */
export function smoothEmaFloats(values: ArrayLike<number | null>, weight: number): Float64Array {
  checkSmoothingWeight(weight);
  const out = new Float64Array(values.length);
  let smoothed = 0;
  let weightPowK = 1; // w^k
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || !Number.isFinite(v)) {
      out[i] = Number.NaN;
      continue;
    }
    weightPowK *= weight;
    const gain = (1 - weight) / (1 - weightPowK); // exactly 1 at the first point
    smoothed += (v - smoothed) * gain;
    out[i] = smoothed;
  }
  return out;
}
