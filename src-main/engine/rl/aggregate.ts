/**
 * How per-token losses reduce to a scalar, as explicit per-token weights: loss = sum(weights *
 * tokenLoss). Keeping the weights explicit (rather than a mean inside the loss) makes each token's
 * gradient weight known, which the first-order entropy drift needs (rl/entropy.ts).
 * Weights are computed per minibatch (B = rows of the minibatch), as verl's agg_loss does.
 */
import type { ObjectiveConfig } from '../../contract';

export type AggregationName = ObjectiveConfig['aggregation'];

export interface AggregationInput {
  mask: Float32Array; // [B * T] 1 on response tokens
  rows: number; // B
  cols: number; // T
  /** The task's longest answer (L of Dr. GRPO's constant normaliser). */
  maxAnswerLen: number;
}

export type Aggregation = (input: AggregationInput) => Float32Array; // [B * T]

function rowLengths({ mask, rows, cols }: AggregationInput): Float64Array {
  const lengths = new Float64Array(rows);
  for (let b = 0; b < rows; b++) {
    for (let t = 0; t < cols; t++) lengths[b] += mask[b * cols + t];
  }
  return lengths;
}

/** Fills each token's weight from its row's weight. */
function byRow(input: AggregationInput, rowWeight: (length: number) => number): Float32Array {
  const { mask, rows, cols } = input;
  const lengths = rowLengths(input);
  const out = new Float32Array(rows * cols);
  for (let b = 0; b < rows; b++) {
    const w = lengths[b] > 0 ? rowWeight(lengths[b]) : 0;
    for (let t = 0; t < cols; t++) out[b * cols + t] = mask[b * cols + t] * w;
  }
  return out;
}

/** token-mean (DAPO): every token of the batch counts equally, 1 / sum|o_i|. */
const tokenMean: Aggregation = (input) => {
  const total = rowLengths(input).reduce((a, b) => a + b, 0);
  return byRow(input, () => 1 / total);
};

/** seq-mean-token-mean (GRPO paper): mean over tokens of a response, then over responses, 1 / (B |o_i|). */
const seqMeanTokenMean: Aggregation = (input) => byRow(input, (length) => 1 / (input.rows * length));

/**
 * seq-mean-token-sum: each response's token sum, then the mean over responses: 1 / B. Longer
 * responses weigh more in proportion to their length (verl's mode of the same name).
 */
const seqMeanTokenSum: Aggregation = (input) => byRow(input, () => 1 / input.rows);

/**
 * seq-mean-token-sum-norm (Dr. GRPO, arXiv 2503.20783): token sums divided by a constant L (the
 * task's max answer length), then the mean over responses: 1 / (B L). No length bias. verl's mode of
 * this name divides by its `loss_scale_factor` instead, the padded response length unless set (and
 * before verl 0.5 had no 1/B at all): lab/export-config/verl.ts sets it to L.
 */
const seqMeanTokenSumNorm: Aggregation = (input) => {
  if (!(input.maxAnswerLen >= 1)) throw new Error(`aggregation: expected maxAnswerLen >= 1, got ${input.maxAnswerLen}`);
  return byRow(input, () => 1 / (input.rows * input.maxAnswerLen));
};

export const AGGREGATIONS: Record<AggregationName, Aggregation> = {
  'token-mean': tokenMean,
  'seq-mean-token-mean': seqMeanTokenMean,
  'seq-mean-token-sum': seqMeanTokenSum,
  'seq-mean-token-sum-norm': seqMeanTokenSumNorm,
};

export function aggregationWeights(name: AggregationName, input: AggregationInput): Float32Array {
  if (input.mask.length !== input.rows * input.cols) {
    throw new Error(`aggregation: mask has ${input.mask.length} entries, expected ${input.rows} x ${input.cols}`);
  }
  return AGGREGATIONS[name](input);
}
