/**
 * Host-side bookkeeping of a step's batch: row selection for minibatches, per-token layouts,
 * response lengths and answers, and the context weights of the entropy model. Plain arrays, no
 * tensors.
 */
import { permutation } from '../rng';
import type { Rng, SequenceBatch } from '../types';

/** Copies rows of a row-major [B * width] array into [rows * width] (loops: subarray per row is slow for short rows). */
function copyRows<A extends Int32Array | Float32Array>(
  source: A,
  target: A,
  rows: readonly number[],
  width: number,
): A {
  for (let i = 0; i < rows.length; i++) {
    const from = rows[i] * width;
    const to = i * width;
    for (let t = 0; t < width; t++) target[to + t] = source[from + t];
  }
  return target;
}

/** The given rows of a batch, in that order. */
export function selectRows(batch: SequenceBatch, rows: readonly number[]): SequenceBatch {
  const { promptLen: Tp, responseLen: T } = batch;
  return {
    size: rows.length,
    promptLen: Tp,
    responseLen: T,
    prompts: copyRows(batch.prompts, new Int32Array(rows.length * Tp), rows, Tp),
    responses: copyRows(batch.responses, new Int32Array(rows.length * T), rows, T),
    mask: copyRows(batch.mask, new Float32Array(rows.length * T), rows, T),
    ...(batch.promptPad && { promptPad: Int32Array.from(rows, (r) => batch.promptPad![r]) }),
  };
}

/** Rows of a per-token array [B * T] -> [rows * T]. */
export function selectTokenRows(values: Float32Array, rows: readonly number[], T: number): Float32Array {
  return copyRows(values, new Float32Array(rows.length * T), rows, T);
}

/** Writes [rows * T] values back to their rows of a [B * T] array. */
export function scatterTokenRows(
  target: Float32Array,
  values: ArrayLike<number>,
  rows: readonly number[],
  T: number,
): void {
  for (let i = 0; i < rows.length; i++) {
    for (let t = 0; t < T; t++) target[rows[i] * T + t] = values[i * T + t];
  }
}

/** Response lengths in tokens, including the end token. */
export function responseLengths(batch: SequenceBatch): Float32Array {
  const T = batch.responseLen;
  const out = new Float32Array(batch.size);
  for (let b = 0; b < batch.size; b++) {
    for (let t = 0; t < T; t++) out[b] += batch.mask[b * T + t];
  }
  return out;
}

/** Response tokens of a row, including the end token. */
export function responseTokens(batch: SequenceBatch, row: number): number[] {
  const T = batch.responseLen;
  const out: number[] = [];
  for (let t = 0; t < T && batch.mask[row * T + t] > 0; t++) out.push(batch.responses[row * T + t]);
  return out;
}

/** The answer the verifier reads: the response without its end token. */
export function answerTokens(batch: SequenceBatch, row: number, eosToken: number | null): number[] {
  const tokens = responseTokens(batch, row);
  if (eosToken !== null && tokens.length > 0 && tokens[tokens.length - 1] === eosToken) tokens.pop();
  return tokens;
}

/** A per-response value on each of its tokens, 0 on padding. */
export function broadcastToTokens(perRow: Float32Array, mask: Float32Array, T: number): Float32Array {
  const out = new Float32Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i] * perRow[Math.floor(i / T)];
  return out;
}

/** Mean of values over positions where mask is 1 (0 for an empty mask). */
export function maskedMean(values: ArrayLike<number>, mask: ArrayLike<number>): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] > 0) {
      sum += values[i];
      n++;
    }
  }
  return n === 0 ? 0 : sum / n;
}

/**
 * Weight of each response position in the rollout's mean token entropy: (positions of the rollout
 * that share its context) / (response positions). A context is the prompt plus the response prefix
 * before the position; positions sharing one see the same distribution, so a change of that
 * distribution moves the mean entropy by that share. For the tabular policy a context is its prompt.
 */
export function contextWeights(batch: SequenceBatch): Float32Array {
  const { promptLen: Tp, responseLen: T } = batch;
  const keys: (string | null)[] = new Array(batch.size * T).fill(null);
  const counts = new Map<string, number>();
  let total = 0;
  for (let b = 0; b < batch.size; b++) {
    let key = Array.from(batch.prompts.subarray(b * Tp, (b + 1) * Tp)).join(',') + '|';
    for (let t = 0; t < T && batch.mask[b * T + t] > 0; t++) {
      keys[b * T + t] = key;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      total++;
      key += `${batch.responses[b * T + t]},`;
    }
  }
  return Float32Array.from(keys, (key) => (key === null ? 0 : counts.get(key)! / total));
}

/** One shuffle of the rows per epoch, each split into `minibatches` near-equal parts. */
export function minibatchSplits(rng: Rng, rows: number, epochs: number, minibatches: number): number[][][] {
  return Array.from({ length: epochs }, () => {
    const order = permutation(rng, rows);
    return Array.from({ length: minibatches }, (_, m) =>
      order.slice(Math.floor((m * rows) / minibatches), Math.floor(((m + 1) * rows) / minibatches)),
    );
  });
}

/**
 * Each chunk of rows cut into consecutive parts of at most `rows` (null: kept whole): the
 * micro-batches an update runs forward and backward on (trainer/update.ts `microBatches`).
 */
export function microChunks(chunks: readonly number[][], rows: number | null): number[][] {
  if (rows === null) return chunks.map((c) => [...c]);
  return chunks.flatMap((c) =>
    Array.from({ length: Math.ceil(c.length / rows) }, (_, i) => c.slice(i * rows, (i + 1) * rows)),
  );
}

/** Mean number of distinct responses per group of G consecutive rows. */
export function distinctPerGroup(batch: SequenceBatch, groupSize: number): number {
  const groups = batch.size / groupSize;
  let distinct = 0;
  for (let g = 0; g < groups; g++) {
    const seen = new Set<string>();
    for (let i = 0; i < groupSize; i++) seen.add(responseTokens(batch, g * groupSize + i).join(','));
    distinct += seen.size;
  }
  return groups === 0 ? 0 : distinct / groups;
}
