/**
 * The GPT's sublayers, each one op with a hand-written gradient (tf.customGrad) whose matmuls go
 * through the backend's kernels (kernels.ts): on wasm every one of them is 2-D and untransposed,
 * the only form XNNPACK runs (research/toolchain.md). Activations are [N, d] with N = T * B rows
 * ordered position-major (row t * B + b), so heads are a free reshape ([N, d] -> [T, B * H, D]).
 */
import { tf } from '../tf';
import type { AttentionSaved } from './attention';
import type { GptKernels, PackedAttention } from './kernels';
import type { Normed } from './norm';

type T1 = tf.Tensor1D;
type T2 = tf.Tensor2D;
type T3 = tf.Tensor3D;

export interface BlockWeights {
  ln1g: T1;
  ln1b: T1;
  wq: T2;
  wk: T2;
  wv: T2;
  wo: T2;
  ln2g: T1;
  ln2b: T1;
  w1: T2;
  w2: T2;
}

type Body = (save: (tensors: tf.Tensor[]) => void) => {
  value: tf.Tensor;
  gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
};

/**
 * Runs `body` as one op whose gradient w.r.t. `inputs` is `gradFunc` (in input order). tfjs disposes
 * every intermediate of the forward pass, inputs included, unless saved: gradFunc may only use what
 * `save` kept.
 */
export function withGradient<R extends tf.Tensor>(inputs: tf.Tensor[], body: Body): R {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) =>
    body(args[args.length - 1] as tf.GradSaveFunc),
  );
  return op(...inputs) as R;
}

/** Token plus position embedding: oneHot(token, position) @ [wte; wpe]. wasm has no gather gradient. */
export function embed(oneHot: T2, oneHotT: T2, wte: T2, wpe: T2): T2 {
  return withGradient<T2>([wte, wpe], (save) => {
    save([oneHotT]);
    return {
      // [N, vocab + context] @ [vocab + context, d] -> [N, d]
      value: tf.matMul(oneHot, tf.concat([wte, wpe], 0)),
      // ohT [vocab + context, N] @ dy [N, d], split into dwte [vocab, d] and dwpe [context, d]
      gradFunc: (dy, [ohT]) => tf.split(tf.matMul(ohT as T2, dy as T2), [wte.shape[0], wpe.shape[0]], 0),
    };
  });
}

/**
 * Rows of x are `positions` positions (position-major); outputs are computed for the last `queries`
 * of them only. Every position still gives keys and values: that is all the last layer needs from
 * the earlier ones, and the KV cache all decoding needs.
 */
export interface AttentionShape {
  heads: number;
  positions: number;
  queries: number;
}

/** The last `queries` positions' rows of a position-major [positions * B, d] tensor. */
function lastRows(t: T2, shape: AttentionShape): T2 {
  if (shape.queries === shape.positions) return t;
  const batch = t.shape[0] / shape.positions;
  // [queries * B, d]
  return t.slice([(shape.positions - shape.queries) * batch, 0], [shape.queries * batch, t.shape[1]]);
}

/** Zero rows in front of the last positions' rows: the gradient of `lastRows`, [positions * B, d]. */
function padToAllRows(t: T2, shape: AttentionShape): T2 {
  const batch = t.shape[0] / shape.queries;
  return shape.queries === shape.positions
    ? t
    : tf.pad(t, [
        [(shape.positions - shape.queries) * batch, 0],
        [0, 0],
      ]);
}

/**
 * x + attention(LN(x)) for the last `queries` of `positions` new positions ([queries * B, d]), and
 * the keys and values of every position so far ([T, G, D], the KV cache after this call); `past`
 * holds those of earlier positions (incremental decoding). No gradient: see `attentionSublayer`,
 * which asks for what the core saves (`keep`); without it, a single query (decoding) runs on the
 * backend's decoding kernel where it has one, and nothing is saved.
 */
export function attentionForward(
  kern: GptKernels,
  x: T2,
  w: BlockWeights,
  shape: AttentionShape,
  past: { k: T3; v: T3 } | null,
  keep = false,
) {
  const [n, d] = x.shape;
  const { heads, positions, queries } = shape;
  const batch = n / positions;
  const groups = batch * heads;
  const a = kern.layerNorm(x, w.ln1g, w.ln1b); // a.y [N, d], N = positions * B
  const aq = lastRows(a.y, shape); // [queries * B, d]
  const heads3 = (t: T2, p: number) => t.reshape([p, groups, d / heads]) as T3; // [T, G, D]
  const kNew = heads3(kern.matMul(a.y, w.wk), positions); // [positions, G, D]
  const vNew = heads3(kern.matMul(a.y, w.wv), positions); // [positions, G, D]
  const k = past ? tf.concat([past.k, kNew], 0) : kNew; // [past + positions, G, D]
  const v = past ? tf.concat([past.v, vNew], 0) : vNew; // [past + positions, G, D]
  const q = kern.matMul(aq, w.wq); // [queries * B, d]
  const decode =
    !keep && queries === 1 ? kern.decodeAttention({ batch, heads, scale: 1 / Math.sqrt(d / heads) }, d) : null;
  let o2: T2; // [queries * B, d]
  let saved: AttentionSaved | null = null;
  if (decode) {
    const rows = (t: T3) => t.reshape([-1, d]) as T2; // [T, G, D] -> [T * B, d]: the same rows
    o2 = decode(q, rows(k), rows(v));
  } else {
    const f = kern.attention.forward(heads3(q, queries), k, v); // o [queries, G, D]
    o2 = f.o.reshape([aq.shape[0], d]) as T2;
    saved = f.saved;
  }
  const y = tf.add<T2>(lastRows(x, shape), kern.matMul(o2, w.wo)); // [queries * B, d]
  return { y, k, v, o: o2, a, aq, saved };
}

/** x + attention(LN(x)) over whole sequences, differentiable w.r.t. x and the block's weights. */
export function attentionSublayer(kern: GptKernels, x: T2, w: BlockWeights, shape: AttentionShape): T2 {
  const [n, d] = x.shape;
  const dims = { ...shape, batch: n / shape.positions, scale: 1 / Math.sqrt(d / shape.heads) };
  const packed = kern.packedAttention(dims, d);
  if (packed) return packedAttentionSublayer(kern, packed, x, w, shape);
  const inputs = [x, w.ln1g, w.ln1b, w.wq, w.wk, w.wv, w.wo];
  return withGradient<T2>(inputs, (save) => {
    const f = attentionForward(kern, x, w, shape, null, true);
    const s = f.saved!;
    save([f.a.y, f.aq, f.a.xhat, f.a.rstd, f.o, w.wq, w.wk, w.wv, w.wo, s.q, s.k, s.v, s.p, s.pAlt, w.ln1g]);
    return {
      value: f.y,
      gradFunc: (dy, saved) => {
        const [a, aq, xhat, rstd, o, wq, wk, wv, wo] = saved.slice(0, 9) as T2[];
        const [q, k, v, p, pAlt] = saved.slice(9, 14) as T3[];
        const ln1g = saved[14] as T1;
        const dy2 = dy as T2;
        const [rows, d] = dy2.shape; // rows = queries * B
        const dwo = kern.weightGrad(o, dy2); // [d, d]
        const dO = kern // [queries, G, D]
          .matMulBT(dy2, wo)
          .reshape([shape.queries, (rows / shape.queries) * shape.heads, d / shape.heads]);
        const g = kern.attention.backward(dO as T3, { q, k, v, p, pAlt });
        const dq = g.dq.reshape([rows, d]) as T2; // [queries * B, d]
        const [dk, dv] = [g.dk, g.dv].map((t) => t.reshape(a.shape) as T2); // [positions * B, d] each
        const full = shape.queries === shape.positions;
        const [dwq, dwk, dwv] = full // [d, d] each
          ? kern.weightGrads(a, [dq, dk, dv])
          : [kern.weightGrad(aq, dq), ...kern.weightGrads(a, [dk, dv])];
        // da: [positions * B, d]
        const da = tf.addN<T2>([
          padToAllRows(kern.matMulBT(dq, wq), shape),
          kern.matMulBT(dk, wk),
          kern.matMulBT(dv, wv),
        ]);
        const ln = kern.layerNormGrad(da, { y: a, xhat, rstd }, ln1g, padToAllRows(dy2, shape)); // dx [positions * B, d]
        return [ln.dx, ln.dg, ln.db, dwq, dwk, dwv, dwo];
      },
    };
  });
}

/**
 * attentionSublayer with q, k, v from one [d, 3d] projection into one [N, 3d] matrix, which the
 * backend's packed attention reads in place: its gradient comes back in the same layout, so the
 * three projections' backward passes are one weight-gradient product and one input-gradient product.
 */
function packedAttentionSublayer(
  kern: GptKernels,
  packed: PackedAttention,
  x: T2,
  w: BlockWeights,
  shape: AttentionShape,
): T2 {
  return withGradient<T2>([x, w.ln1g, w.ln1b, w.wq, w.wk, w.wv, w.wo], (save) => {
    const a = kern.layerNorm(x, w.ln1g, w.ln1b); // a.y [N, d], N = positions * B
    const wqkv = tf.concat<T2>([w.wq, w.wk, w.wv], 1); // [d, 3d]
    const qkv = kern.matMul(a.y, wqkv); // [N, 3d]
    const { o, p } = packed.forward(qkv); // o [queries * B, d]
    save([a.y, a.xhat, a.rstd, qkv, p, o, wqkv, w.wo, w.ln1g]);
    return {
      value: tf.add<T2>(lastRows(x, shape), kern.matMul(o, w.wo)), // [queries * B, d]
      gradFunc: (dy, saved) => {
        const [y, xhat, rstd, qkvSaved, pSaved, oSaved, wqkvSaved, wo] = saved as T2[];
        const dy2 = dy as T2;
        const dwo = kern.weightGrad(oSaved, dy2); // [d, d]
        const dqkv = packed.backward(kern.matMulBT(dy2, wo), qkvSaved, pSaved); // [N, 3d]
        const [dwq, dwk, dwv] = tf.split(kern.weightGrad(y, dqkv), 3, 1); // [d, d] each
        const da = kern.matMulBT(dqkv, wqkvSaved); // [N, d]
        const ln = kern.layerNormGrad(da, { y, xhat, rstd }, saved[8] as T1, padToAllRows(dy2, shape)); // dx [N, d]
        return [ln.dx, ln.dg, ln.db, dwq, dwk, dwv, dwo];
      },
    };
  });
}

/** x + W2 relu(W1 LN(x)). ReLU fuses into wasm's matmul; tanh-based GELU costs ~20 ns per element there. */
export function mlpForward(kern: GptKernels, x: T2, w: BlockWeights): { y: T2; a: Normed; h: T2 } {
  const a = kern.layerNorm(x, w.ln2g, w.ln2b); // a.y [N, d]
  const h = kern.matMul(a.y, w.w1, true); // [N, 4d]
  return { y: tf.add(x, kern.matMul(h, w.w2)), a, h }; // y [N, d]
}

export function mlpSublayer(kern: GptKernels, x: T2, w: BlockWeights): T2 {
  return withGradient<T2>([x, w.ln2g, w.ln2b, w.w1, w.w2], (save) => {
    const f = mlpForward(kern, x, w);
    save([f.a.y, f.a.xhat, f.a.rstd, f.h, w.w1, w.w2, w.ln2g]);
    return {
      value: f.y,
      gradFunc: (dy, saved) => {
        const [a, xhat, rstd, h, w1, w2] = saved.slice(0, 6) as T2[];
        const ln2g = saved[6] as T1;
        const dy2 = dy as T2;
        const dw2 = kern.weightGrad(h, dy2); // [4d, d]
        const dz = tf.mul<T2>(kern.matMulBT(dy2, w2), tf.step(h)); // [N, 4d]; relu' read from its output
        const dw1 = kern.weightGrad(a, dz); // [d, 4d]
        const ln = kern.layerNormGrad(kern.matMulBT(dz, w1), { y: a, xhat, rstd }, ln2g, dy2); // dx [N, d]
        return [ln.dx, ln.dg, ln.db, dw1, dw2];
      },
    };
  });
}

/** Final LayerNorm and output projection: logits [N, A] = LN(h) @ wOut. */
export function headForward(kern: GptKernels, h: T2, g: T1, b: T1, wOut: T2): T2 {
  return kern.matMul(kern.layerNorm(h, g, b).y, wOut); // [N, d] @ [d, A] -> [N, A]
}

export function headSublayer(kern: GptKernels, h: T2, g: T1, b: T1, wOut: T2): T2 {
  return withGradient<T2>([h, g, b, wOut], (save) => {
    const a = kern.layerNorm(h, g, b);
    save([a.y, a.xhat, a.rstd, wOut, g]);
    return {
      value: kern.matMul(a.y, wOut), // [N, A]
      gradFunc: (dy, saved) => {
        const [y, xhat, rstd, w] = saved.slice(0, 4) as T2[];
        const gain = saved[4] as T1;
        const dy2 = dy as T2;
        const dwOut = kern.weightGrad(y, dy2); // [d, A]
        const ln = kern.layerNormGrad(kern.matMulBT(dy2, w), { y, xhat, rstd }, gain); // dx [N, d]
        return [ln.dx, ln.dg, ln.db, dwOut];
      },
    };
  });
}
