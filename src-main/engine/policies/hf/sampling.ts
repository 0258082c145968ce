/**
 * KV-cache generation for a Hugging Face model: prompts of any length are left-padded, each
 * distinct prompt is prefilled once and its cache copied to its G rows, then every new token costs
 * one position. Rows end at any stop token (kept as the response's last token, like the GPT's end
 * token) or at `maxNewTokens`. Tokens are drawn in JavaScript from the exact float64 distribution
 * over the whole vocabulary with the run's seeded stream (draw.ts), read with `await data()`.
 */
import { distinctPrompts, expandRows } from '../../gpt/sampling';
import { tf } from '../../tf';
import type { Prompt, Rng, Rollout } from '../../types';
import { drawFromLogProbs } from './draw';
import type { HfModel, KvCache } from './model';
import { eventLoopTurn } from '../../turn';

export interface SampleSettings {
  temperature: number;
  topP: number;
  greedy: boolean;
  rng: Rng;
  maxNewTokens: number;
  stopTokens: ReadonlySet<number>;
  /** Rows decoded together (KV-cache memory); null: all rows at once. */
  sampleBatch: number | null;
}

/** Per-token results of every row, [B * maxNew] each, and each row's length. */
interface Drawn {
  responses: Int32Array;
  mask: Float32Array;
  logp: Float32Array;
  entropy: Float32Array;
  lengths: Int32Array;
}

/** Left-padded position-major grid of prompts ([tp * U]) and each one's padding. */
function promptGrid(prompts: readonly Prompt[], tp: number): { tokens: Int32Array; pads: Int32Array } {
  const u = prompts.length;
  const tokens = new Int32Array(tp * u);
  const pads = Int32Array.from(prompts, (p) => tp - p.tokens.length);
  prompts.forEach((p, row) => p.tokens.forEach((tok, t) => (tokens[(pads[row] + t) * u + row] = tok)));
  return { tokens, pads };
}

/** Logits of each row's last prompt position [b, V] and the cache, prefilled once per distinct prompt. */
function prefill(model: HfModel, prompts: readonly Prompt[], tp: number) {
  const { distinct, of } = distinctPrompts(prompts);
  const u = distinct.length;
  const grid = promptGrid(distinct, tp);
  const { hidden, cache } = model.forward({ tokens: grid.tokens, batch: u, pads: grid.pads }, null);
  const last = hidden.slice([(tp - 1) * u, 0], [u, hidden.shape[1]]); // [U, d]
  const logits = model.logits(last); // [U, V]
  const pads = Int32Array.from(of, (d) => grid.pads[d]);
  if (u === prompts.length) return { logits, cache, pads };
  const expandCache = (t: tf.Tensor3D) => {
    const [p, g, d] = t.shape; // g = U * Hkv
    return expandRows(t.reshape([p, u, (g / u) * d]), of).reshape([p, -1, d]) as tf.Tensor3D;
  };
  const rows = expandRows(logits.reshape([1, u, -1]), of).reshape([prompts.length, -1]) as tf.Tensor2D;
  return { logits: rows, cache: { ...cache, k: cache.k.map(expandCache), v: cache.v.map(expandCache) }, pads };
}

/** Decodes rows [first, first + prompts.length) of the rollout into `out`. */
async function decodeChunk(model: HfModel, prompts: readonly Prompt[], first: number, out: Drawn, s: SampleSettings) {
  const b = prompts.length;
  const V = model.spec.vocab;
  const tp = Math.max(...prompts.map((p) => p.tokens.length));
  const done = new Uint8Array(b);
  let state: { logits: tf.Tensor2D; cache: KvCache; pads: Int32Array } = tf.tidy(() => prefill(model, prompts, tp));
  const pads = state.pads;
  try {
    for (let step = 0; step < s.maxNewTokens; step++) {
      await eventLoopTurn();
      const logpT = tf.tidy(() => tf.logSoftmax(tf.div(state.logits, s.temperature)));
      const lp = (await logpT.data()) as Float32Array;
      logpT.dispose();
      const next = new Int32Array(b);
      for (let row = 0; row < b; row++) {
        if (done[row]) continue;
        const d = drawFromLogProbs(lp, row * V, V, s);
        const i = (first + row) * s.maxNewTokens + step;
        [out.responses[i], out.mask[i], out.logp[i], out.entropy[i]] = [d.token, 1, d.logp, d.entropy];
        out.lengths[first + row] = step + 1;
        next[row] = d.token;
        if (s.stopTokens.has(d.token)) done[row] = 1;
      }
      if (step === s.maxNewTokens - 1 || done.every((x) => x === 1)) break;
      const previous = state;
      state = tf.tidy(() => {
        const { hidden, cache } = model.forward({ tokens: next, batch: b, pads }, previous.cache);
        return { logits: model.logits(hidden), cache, pads };
      });
      tf.dispose([previous.logits, previous.cache.k, previous.cache.v]);
    }
  } finally {
    tf.dispose([state.logits, state.cache.k, state.cache.v]);
  }
}

/** Cuts the per-token arrays to the longest response; prompts left-padded to the longest prompt. */
function packRollout(prompts: readonly Prompt[], maxNew: number, out: Drawn): Rollout {
  const b = prompts.length;
  const t = Math.max(1, ...out.lengths);
  const tp = Math.max(...prompts.map((p) => p.tokens.length));
  const cut = <A extends Int32Array | Float32Array>(src: A, dst: A): A => {
    for (let row = 0; row < b; row++) dst.set(src.subarray(row * maxNew, row * maxNew + t), row * t);
    return dst;
  };
  const grid = new Int32Array(b * tp);
  const promptPad = Int32Array.from(prompts, (p) => tp - p.tokens.length);
  prompts.forEach((p, row) => grid.set(p.tokens, row * tp + promptPad[row]));
  return {
    batch: {
      size: b,
      promptLen: tp,
      responseLen: t,
      prompts: grid,
      responses: cut(out.responses, new Int32Array(b * t)),
      mask: cut(out.mask, new Float32Array(b * t)),
      promptPad,
    },
    logp: cut(out.logp, new Float32Array(b * t)),
    entropy: cut(out.entropy, new Float32Array(b * t)),
  };
}

/** One response per prompt row, decoded `sampleBatch` rows at a time. */
export async function sampleRollout(model: HfModel, prompts: readonly Prompt[], s: SampleSettings): Promise<Rollout> {
  const b = prompts.length;
  if (b === 0) throw new Error('HF sampling: expected at least one prompt');
  const n = b * s.maxNewTokens;
  const out: Drawn = {
    responses: new Int32Array(n),
    mask: new Float32Array(n),
    logp: new Float32Array(n),
    entropy: new Float32Array(n),
    lengths: new Int32Array(b),
  };
  const chunk = s.sampleBatch ?? b;
  for (let first = 0; first < b; first += chunk) {
    await decodeChunk(model, prompts.slice(first, first + chunk), first, out, s);
  }
  return packRollout(prompts, s.maxNewTokens, out);
}
