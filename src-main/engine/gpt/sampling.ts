/**
 * Incremental decoding with a KV cache: the prompt is prefilled in one pass, then each new token
 * costs one position. Tokens are drawn in JavaScript from the exact probabilities with our seeded
 * stream (never tfjs random ops, whose seeding differs per backend), read with `await data()` so a
 * GPU backend that cannot read synchronously works too.
 */
import { tf } from '../tf';
import type { Prompt, Rng, Rollout, Task } from '../types';
import type { GptModel, KvCache } from './model';

/** What one row drew at one position. */
interface Draw {
  /** Index into the support. */
  choice: number;
  logp: number;
  entropy: number;
}

/** Draws from log-probabilities lp[offset .. offset + n) (float64 arithmetic throughout). */
function drawToken(lp: Float32Array, offset: number, n: number, greedy: boolean, rng: Rng): Draw {
  let entropy = 0;
  let total = 0;
  let best = 0;
  for (let a = 0; a < n; a++) {
    const l = lp[offset + a];
    const p = Math.exp(l);
    total += p;
    if (p > 0) entropy -= p * l;
    if (l > lp[offset + best]) best = a;
  }
  let choice = best;
  if (!greedy) {
    // Inverse CDF on the float32 probabilities; scaling u by their sum keeps every draw exact.
    const u = rng.next() * total;
    let cumulative = 0;
    for (let a = 0; a < n; a++) {
      const p = Math.exp(lp[offset + a]);
      if (p <= 0) continue;
      cumulative += p;
      choice = a;
      if (u < cumulative) break;
    }
  }
  return { choice, logp: lp[offset + choice], entropy };
}

function promptGrid(prompts: readonly Prompt[], promptLen: number): Int32Array {
  const b = prompts.length;
  const grid = new Int32Array(promptLen * b);
  prompts.forEach((p, row) => {
    if (p.tokens.length !== promptLen) {
      throw new Error(`GPT sampling: prompt "${p.key}" has ${p.tokens.length} tokens, expected ${promptLen}`);
    }
    p.tokens.forEach((tok, t) => (grid[t * b + row] = tok));
  });
  return grid;
}

/** The distinct prompts (by tokens) and, for each row, which of them it is. */
export function distinctPrompts(prompts: readonly Prompt[]): { distinct: Prompt[]; of: Int32Array } {
  const seen = new Map<string, number>();
  const distinct: Prompt[] = [];
  const of = Int32Array.from(prompts, (p) => {
    const key = p.tokens.join(',');
    let i = seen.get(key);
    if (i === undefined) {
      i = distinct.push(p) - 1;
      seen.set(key, i);
    }
    return i;
  });
  return { distinct, of };
}

/** Whether row i is distinct prompt floor(i / group) for one group size: how rollouts lay out groups. */
function consecutiveGroups(of: Int32Array, distinct: number): number | null {
  const group = of.length / distinct;
  return Number.isInteger(group) && of.every((d, i) => d === Math.floor(i / group)) ? group : null;
}

/**
 * Rows of a [P, U, W] tensor (U distinct prompts) copied out to [P, B, W] (B rows). Consecutive
 * groups use a broadcasting add, wasm's fast way to repeat rows (its gather and tile copy element by
 * element, ~50x slower); any other order uses gather.
 */
export function expandRows(t: tf.Tensor3D, of: Int32Array): tf.Tensor3D {
  const [p, u, w] = t.shape;
  const group = consecutiveGroups(of, u);
  // [P, U, 1, W] + [1, 1, group, 1] -> [P, U * group, W]
  if (group !== null) return tf.add(t.reshape([p, u, 1, w]), tf.zeros([1, 1, group, 1])).reshape([p, u * group, w]);
  return tf.gather(t, tf.tensor1d(of, 'int32'), 1); // [P, B, W]
}

/**
 * Logits of the last prompt position and the KV cache, for every row. Rollouts repeat each prompt
 * G times, so the prompt pass runs once per distinct prompt and its results are copied out.
 */
function prefill(model: GptModel, prompts: readonly Prompt[], promptLen: number, wOut: tf.Tensor2D) {
  const { distinct, of } = distinctPrompts(prompts);
  const u = distinct.length;
  const state = model.step(promptGrid(distinct, promptLen), promptLen, u, null, wOut); // logits [U, A]
  if (u === prompts.length) return state;
  const expandCache = (t: tf.Tensor3D) => {
    const [p, g, d] = t.shape; // g = distinct prompts x heads
    return expandRows(t.reshape([p, u, (g / u) * d]), of).reshape([p, -1, d]) as tf.Tensor3D; // [P, B * heads, D]
  };
  // [B, A]
  const logits = expandRows(state.logits.reshape([1, u, -1]), of).reshape([prompts.length, -1]) as tf.Tensor2D;
  return { logits, cache: { ...state.cache, k: state.cache.k.map(expandCache), v: state.cache.v.map(expandCache) } };
}

interface Drawn {
  responses: Int32Array;
  mask: Float32Array;
  logp: Float32Array;
  entropy: Float32Array;
  /** Tokens drawn per row so far, and whether the row has ended. */
  lengths: Int32Array;
  done: Uint8Array;
}

/** Draws position s of every unfinished row from log-probabilities lp [B, A]; returns the tokens. */
function drawPosition(out: Drawn, s: number, lp: Float32Array, task: Task, greedy: boolean, rng: Rng): Int32Array {
  const support = task.allowedTokens;
  const maxLen = task.maxAnswerLen;
  const next = new Int32Array(out.done.length);
  for (let row = 0; row < out.done.length; row++) {
    if (out.done[row]) continue;
    const d = drawToken(lp, row * support.length, support.length, greedy, rng);
    const token = support[d.choice];
    const i = row * maxLen + s;
    [out.responses[i], out.mask[i], out.logp[i], out.entropy[i]] = [token, 1, d.logp, d.entropy];
    next[row] = token;
    out.lengths[row] = s + 1;
    if (token === task.eosToken) out.done[row] = 1;
  }
  return next;
}

/** Samples one response per prompt row, up to the end token or the task's maximum answer length. */
export async function decodeResponses(
  model: GptModel,
  task: Task,
  select: tf.Tensor2D,
  prompts: readonly Prompt[],
  opts: { temperature: number; greedy?: boolean; rng: Rng },
): Promise<Rollout> {
  const b = prompts.length;
  if (b === 0) throw new Error('GPT sampling: expected at least one prompt');
  const maxLen = task.maxAnswerLen;
  const f32 = () => new Float32Array(b * maxLen);
  const out: Drawn = {
    ...{ responses: new Int32Array(b * maxLen), mask: f32(), logp: f32(), entropy: f32() },
    ...{ lengths: new Int32Array(b), done: new Uint8Array(b) },
  };
  const wOut = tf.tidy(() => model.outputWeights(select)); // [d, A]
  let state: { logits: tf.Tensor2D; cache: KvCache } = tf.tidy(() => prefill(model, prompts, task.promptLen, wOut));
  try {
    for (let s = 0; s < maxLen; s++) {
      const logpT = tf.tidy(() => tf.logSoftmax(tf.div(state.logits, opts.temperature))); // [B, A]
      const lp = (await logpT.data()) as Float32Array;
      logpT.dispose();
      const next = drawPosition(out, s, lp, task, opts.greedy ?? false, opts.rng);
      if (s === maxLen - 1 || out.done.every((x) => x === 1)) break;
      const previous = state;
      state = tf.tidy(() => model.step(next, 1, b, previous.cache, wOut)); // logits [B, A]
      tf.dispose(previous);
    }
  } finally {
    tf.dispose([state, wOut]);
  }
  return packRollout(prompts, task.promptLen, maxLen, Math.max(1, ...out.lengths), out);
}

/** Cuts the per-token arrays from the maximum length down to the longest response drawn. */
function packRollout(
  prompts: readonly Prompt[],
  promptLen: number,
  maxLen: number,
  t: number,
  full: { responses: Int32Array; mask: Float32Array; logp: Float32Array; entropy: Float32Array },
): Rollout {
  const b = prompts.length;
  const cut = <A extends Int32Array | Float32Array>(src: A, make: (n: number) => A): A => {
    const dst = make(b * t);
    for (let row = 0; row < b; row++) dst.set(src.subarray(row * maxLen, row * maxLen + t), row * t);
    return dst;
  };
  const f32 = (n: number) => new Float32Array(n);
  const batchPrompts = new Int32Array(b * promptLen);
  prompts.forEach((p, row) => batchPrompts.set(p.tokens, row * promptLen));
  return {
    batch: {
      size: b,
      promptLen,
      responseLen: t,
      prompts: batchPrompts,
      responses: cut(full.responses, (n) => new Int32Array(n)),
      mask: cut(full.mask, f32),
    },
    logp: cut(full.logp, f32),
    entropy: cut(full.entropy, f32),
  };
}
