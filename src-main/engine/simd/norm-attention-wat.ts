/**
 * WebAssembly text of the fused LayerNorm and short-sequence attention kernels (simd/kernels.ts).
 * Each replaces 9-40 small tfjs kernels with one pass over rows that stay in cache; the formulas are
 * the composite ones in gpt/layers.ts and gpt/attention.ts, in the same order.
 *
 * Layouts (row-major, rows position-major: row t * B + b, as gpt/layers.ts):
 *  - LayerNorm: x, y, xhat [N, d]; rstd [N]; g, b, dg, db [d]. d % 4 == 0.
 *  - attention: qkv [T * B, 3d], each row q | k | v with head h at columns h * D .. (h + 1) * D;
 *    o [Tq * B, d] for the last Tq positions; p [B, H, Tq, T], the attention weights (zero where
 *    masked); dO [Tq * B, d]; dqkv like qkv (dq zero on rows of positions without a query). D % 4 == 0.
 */

/** Sum of the four lanes of a v128. */
const HSUM = `
  (func $hsum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))`;

/** Loop labels of the inlined helpers below, each unique within the module. */
let inlined = 0;

/**
 * sum_c a[c] b[c] over `len` floats (len % 4 == 0), as an inline f32 expression: the attention
 * kernels run it for every (query, key) pair of D = 16 floats, where a call cost as much as the
 * sum. Uses the locals $xa $xb $xend $xacc (INLINE_LOCALS); `a` and `b` are evaluated first, once.
 */
const dot = (a: string, b: string, len: string) => {
  const loop = `$dot${inlined++}`;
  return `(block (result f32)
    (local.set $xa ${a})
    (local.set $xb ${b})
    (local.set $xend (i32.add (local.get $xa) (i32.shl ${len} (i32.const 2))))
    (local.set $xacc (v128.const i32x4 0 0 0 0))
    (loop ${loop}
      (local.set $xacc (f32x4.add (local.get $xacc) (f32x4.mul (v128.load (local.get $xa)) (v128.load (local.get $xb)))))
      (local.set $xb (i32.add (local.get $xb) (i32.const 16)))
      (br_if ${loop} (i32.lt_u (local.tee $xa (i32.add (local.get $xa) (i32.const 16))) (local.get $xend))))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $xacc)) (f32x4.extract_lane 1 (local.get $xacc)))
      (f32.add (f32x4.extract_lane 2 (local.get $xacc)) (f32x4.extract_lane 3 (local.get $xacc)))))`;
};

/** out[c] += s * a[c] over `len` floats (len % 4 == 0), inline; uses $yo $ya $ysv $yend. */
const axpy = (out: string, scalar: string, a: string, len: string) => {
  const loop = `$axpy${inlined++}`;
  return `(local.set $yo ${out})
    (local.set $ysv (f32x4.splat ${scalar}))
    (local.set $ya ${a})
    (local.set $yend (i32.add (local.get $yo) (i32.shl ${len} (i32.const 2))))
    (loop ${loop}
      (v128.store (local.get $yo)
        (f32x4.add (v128.load (local.get $yo)) (f32x4.mul (local.get $ysv) (v128.load (local.get $ya)))))
      (local.set $ya (i32.add (local.get $ya) (i32.const 16)))
      (br_if ${loop} (i32.lt_u (local.tee $yo (i32.add (local.get $yo) (i32.const 16))) (local.get $yend))))`;
};

const INLINE_LOCALS = `(local $xa i32) (local $xb i32) (local $xend i32) (local $xacc v128)
    (local $yo i32) (local $ya i32) (local $ysv v128) (local $yend i32)`;

/**
 * e^x for x <= 0 (softmax after subtracting the row maximum): x = n ln2 + r, |r| <= ln2 / 2,
 * e^r by its degree-6 Taylor polynomial (relative error < 2e-7 there), 2^n through the exponent
 * bits; 0 below -87 (float32 underflow).
 */
const EXP = `
  (func $exp (param $x f32) (result f32)
    (local $n f32) (local $r f32) (local $p f32)
    (if (f32.lt (local.get $x) (f32.const -87)) (then (return (f32.const 0))))
    (local.set $n (f32.nearest (f32.mul (local.get $x) (f32.const 1.44269504))))
    (local.set $r (f32.sub (f32.sub (local.get $x) (f32.mul (local.get $n) (f32.const 0.693145752)))
      (f32.mul (local.get $n) (f32.const 1.42860677e-6))))
    (local.set $p (f32.add (f32.const 1.0) (f32.mul (local.get $r) (f32.add (f32.const 1.0) (f32.mul (local.get $r)
      (f32.add (f32.const 0.5) (f32.mul (local.get $r) (f32.add (f32.const 0.166666667) (f32.mul (local.get $r)
      (f32.add (f32.const 0.0416666667) (f32.mul (local.get $r) (f32.add (f32.const 0.00833333333)
      (f32.mul (local.get $r) (f32.const 0.00138888889))))))))))))))
    (f32.mul (local.get $p)
      (f32.reinterpret_i32 (i32.shl (i32.add (i32.trunc_f32_s (local.get $n)) (i32.const 127)) (i32.const 23)))))`;

/** y = xhat * g + b, xhat = (x - mean) * rstd, rstd = 1 / sqrt(mean((x - mean)^2) + eps), per row. */
const LAYER_NORM = `
  (func (export "layer_norm") (param $y i32) (param $xhat i32) (param $rstd i32) (param $x i32)
    (param $g i32) (param $b i32) (param $n i32) (param $d i32) (param $eps f32)
    (local $row i32) (local $px i32) (local $end i32) (local $j i32) (local $acc v128) (local $c v128)
    (local $mean v128) (local $rs f32) (local $bytes i32) (local $inv f32)
    (local.set $bytes (i32.shl (local.get $d) (i32.const 2)))
    (local.set $inv (f32.div (f32.const 1) (f32.convert_i32_u (local.get $d))))
    (loop $rows
      (local.set $px (i32.add (local.get $x) (i32.mul (local.get $row) (local.get $bytes))))
      (local.set $end (i32.add (local.get $px) (local.get $bytes)))
      (local.set $acc (v128.const i32x4 0 0 0 0))
      (local.set $j (local.get $px))
      (loop $sum
        (local.set $acc (f32x4.add (local.get $acc) (v128.load (local.get $j))))
        (br_if $sum (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $end))))
      (local.set $mean (f32x4.splat (f32.mul (call $hsum (local.get $acc)) (local.get $inv))))
      (local.set $acc (v128.const i32x4 0 0 0 0))
      (local.set $j (local.get $px))
      (loop $var
        (local.set $c (f32x4.sub (v128.load (local.get $j)) (local.get $mean)))
        (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $c) (local.get $c))))
        (br_if $var (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $end))))
      (local.set $rs (f32.div (f32.const 1)
        (f32.sqrt (f32.add (f32.mul (call $hsum (local.get $acc)) (local.get $inv)) (local.get $eps)))))
      (f32.store (i32.add (local.get $rstd) (i32.shl (local.get $row) (i32.const 2))) (local.get $rs))
      (local.set $j (i32.const 0))
      (loop $out
        (local.set $c (f32x4.mul (f32x4.sub (v128.load (local.get $px)) (local.get $mean))
          (f32x4.splat (local.get $rs))))
        (v128.store (i32.add (local.get $xhat) (i32.sub (local.get $px) (local.get $x))) (local.get $c))
        (v128.store (i32.add (local.get $y) (i32.sub (local.get $px) (local.get $x)))
          (f32x4.add (f32x4.mul (local.get $c) (v128.load (i32.add (local.get $g) (local.get $j))))
            (v128.load (i32.add (local.get $b) (local.get $j)))))
        (local.set $px (i32.add (local.get $px) (i32.const 16)))
        (br_if $out (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $bytes))))
      (br_if $rows (i32.lt_u (local.tee $row (i32.add (local.get $row) (i32.const 1))) (local.get $n)))))`;

/**
 * dx = rstd (gx - mean(gx) - xhat mean(gx xhat)) [+ res], gx = dy g, per row; dg = sum_rows dy xhat,
 * db = sum_rows dy. `res` (added to dx, e.g. the residual stream's gradient) is read when hasRes.
 */
const LAYER_NORM_GRAD = `
  (func (export "layer_norm_grad") (param $dx i32) (param $dg i32) (param $db i32) (param $dy i32)
    (param $xhat i32) (param $rstd i32) (param $g i32) (param $res i32) (param $hasRes i32) (param $n i32) (param $d i32)
    (local $row i32) (local $off i32) (local $j i32) (local $bytes i32) (local $inv f32)
    (local $a1 v128) (local $a2 v128) (local $gx v128) (local $vdy v128) (local $vxh v128)
    (local $m1 v128) (local $m2 v128) (local $rs v128) (local $v v128)
    (local.set $bytes (i32.shl (local.get $d) (i32.const 2)))
    (local.set $inv (f32.div (f32.const 1) (f32.convert_i32_u (local.get $d))))
    (memory.fill (local.get $dg) (i32.const 0) (local.get $bytes))
    (memory.fill (local.get $db) (i32.const 0) (local.get $bytes))
    (loop $rows
      (local.set $off (i32.mul (local.get $row) (local.get $bytes)))
      (local.set $a1 (v128.const i32x4 0 0 0 0))
      (local.set $a2 (v128.const i32x4 0 0 0 0))
      (local.set $j (i32.const 0))
      (loop $sums
        (local.set $vdy (v128.load (i32.add (local.get $dy) (i32.add (local.get $off) (local.get $j)))))
        (local.set $vxh (v128.load (i32.add (local.get $xhat) (i32.add (local.get $off) (local.get $j)))))
        (local.set $gx (f32x4.mul (local.get $vdy) (v128.load (i32.add (local.get $g) (local.get $j)))))
        (local.set $a1 (f32x4.add (local.get $a1) (local.get $gx)))
        (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $gx) (local.get $vxh))))
        (v128.store (i32.add (local.get $dg) (local.get $j))
          (f32x4.add (v128.load (i32.add (local.get $dg) (local.get $j))) (f32x4.mul (local.get $vdy) (local.get $vxh))))
        (v128.store (i32.add (local.get $db) (local.get $j))
          (f32x4.add (v128.load (i32.add (local.get $db) (local.get $j))) (local.get $vdy)))
        (br_if $sums (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $bytes))))
      (local.set $m1 (f32x4.splat (f32.mul (call $hsum (local.get $a1)) (local.get $inv))))
      (local.set $m2 (f32x4.splat (f32.mul (call $hsum (local.get $a2)) (local.get $inv))))
      (local.set $rs (v128.load32_splat (i32.add (local.get $rstd) (i32.shl (local.get $row) (i32.const 2)))))
      (local.set $j (i32.const 0))
      (loop $out
        (local.set $gx (f32x4.mul (v128.load (i32.add (local.get $dy) (i32.add (local.get $off) (local.get $j))))
          (v128.load (i32.add (local.get $g) (local.get $j)))))
        (local.set $vxh (v128.load (i32.add (local.get $xhat) (i32.add (local.get $off) (local.get $j)))))
        (local.set $v (f32x4.mul
          (f32x4.sub (f32x4.sub (local.get $gx) (local.get $m1)) (f32x4.mul (local.get $vxh) (local.get $m2)))
          (local.get $rs)))
        (if (local.get $hasRes) (then (local.set $v (f32x4.add
          (v128.load (i32.add (local.get $res) (i32.add (local.get $off) (local.get $j)))) (local.get $v)))))
        (v128.store (i32.add (local.get $dx) (i32.add (local.get $off) (local.get $j))) (local.get $v))
        (br_if $out (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 16))) (local.get $bytes))))
      (br_if $rows (i32.lt_u (local.tee $row (i32.add (local.get $row) (i32.const 1))) (local.get $n)))))`;

/**
 * Byte address of head h's D columns in row (t * B + b) of a [T * B, width] matrix, `col` floats in.
 * Used by both attention kernels through the locals $batch, $width, $b.
 */
const at = (base: string, t: string, col: string) =>
  `(i32.add ${base} (i32.shl (i32.add (i32.mul (i32.add (i32.mul ${t} (local.get $batch)) (local.get $b)) (local.get $width)) ${col}) (i32.const 2)))`;

/** Loops over rows b in [b0, b1), heads h, and query qi (position i = qi + T - Tq) around `body`. */
const groupsAndQueries = (body: string) => `
    (local.set $b (local.get $b0))
    (loop $lb
      (local.set $h (i32.const 0))
      (loop $lh
        (local.set $hc (i32.mul (local.get $h) (local.get $hd)))
        (local.set $qi (i32.const 0))
        (loop $lq
          (local.set $i (i32.add (local.get $qi) (i32.sub (local.get $t) (local.get $tq))))
          (local.set $pp (i32.add (local.get $p) (i32.shl (i32.mul (i32.add (i32.mul (i32.add
            (i32.mul (local.get $b) (local.get $heads)) (local.get $h)) (local.get $tq)) (local.get $qi)) (local.get $t))
            (i32.const 2))))
          ${body}
          (br_if $lq (i32.lt_u (local.tee $qi (i32.add (local.get $qi) (i32.const 1))) (local.get $tq))))
        (br_if $lh (i32.lt_u (local.tee $h (i32.add (local.get $h) (i32.const 1))) (local.get $heads))))
      (br_if $lb (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $b1))))`;

const ATTENTION_LOCALS = `(local $b i32) (local $h i32) (local $qi i32) (local $i i32) (local $j i32) (local $hc i32)
    (local $pp i32) (local $d i32) (local $width i32) (local $s f32) (local $m f32) (local $sum f32) (local $e f32)
    ${INLINE_LOCALS}`;

/**
 * One query's attention over keys 0 .. $i, the body both attention kernels share (the same
 * arithmetic in both): scores q . k_j * scale into p at $pp, their softmax (after subtracting the
 * maximum) in place, then o at $po = sum_j p_j v_j. `query`, `key`, `value` are addresses read
 * inside the loops ($j is the key); `output` sets $po.
 */
const attendOne = (addr: { query: string; key: string; value: string; output: string }) => `
          (local.set $m (f32.const -inf))
          (local.set $j (i32.const 0))
          (loop $scores
            (local.set $s (f32.mul (local.get $scale) ${dot(addr.query, addr.key, '(local.get $hd)')}))
            (f32.store (i32.add (local.get $pp) (i32.shl (local.get $j) (i32.const 2))) (local.get $s))
            (local.set $m (f32.max (local.get $m) (local.get $s)))
            (br_if $scores (i32.le_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $i))))
          (local.set $sum (f32.const 0))
          (local.set $j (i32.const 0))
          (loop $exps
            (local.set $e (call $exp (f32.sub
              (f32.load (i32.add (local.get $pp) (i32.shl (local.get $j) (i32.const 2)))) (local.get $m))))
            (f32.store (i32.add (local.get $pp) (i32.shl (local.get $j) (i32.const 2))) (local.get $e))
            (local.set $sum (f32.add (local.get $sum) (local.get $e)))
            (br_if $exps (i32.le_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $i))))
          ${addr.output}
          (memory.fill (local.get $po) (i32.const 0) (i32.shl (local.get $hd) (i32.const 2)))
          (local.set $j (i32.const 0))
          (loop $weights
            (local.set $e (f32.div
              (f32.load (i32.add (local.get $pp) (i32.shl (local.get $j) (i32.const 2)))) (local.get $sum)))
            (f32.store (i32.add (local.get $pp) (i32.shl (local.get $j) (i32.const 2))) (local.get $e))
            ${axpy('(local.get $po)', '(local.get $e)', addr.value, '(local.get $hd)')}
            (br_if $weights (i32.le_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $i))))`;

/**
 * o = softmax(q k^T * scale, causal) v for the last Tq of T positions; p keeps the weights. Only
 * batch rows b0 <= b < b1 are computed (each row's outputs depend on that row alone).
 */
const ATTENTION = `
  (func (export "attention") (param $o i32) (param $p i32) (param $qkv i32) (param $t i32) (param $batch i32)
    (param $heads i32) (param $hd i32) (param $tq i32) (param $scale f32) (param $b0 i32) (param $b1 i32)
    ${ATTENTION_LOCALS} (local $po i32) (local $group i32)
    (local.set $d (i32.mul (local.get $heads) (local.get $hd)))
    (local.set $group (i32.shl (i32.mul (local.get $heads) (i32.mul (local.get $tq) (local.get $t))) (i32.const 2)))
    (memory.fill (i32.add (local.get $p) (i32.mul (local.get $b0) (local.get $group))) (i32.const 0)
      (i32.mul (i32.sub (local.get $b1) (local.get $b0)) (local.get $group)))
    ${groupsAndQueries(`
          (local.set $width (i32.mul (local.get $d) (i32.const 3)))
          ${attendOne({
            query: at('(local.get $qkv)', '(local.get $i)', '(local.get $hc)'),
            key: at('(local.get $qkv)', '(local.get $j)', '(i32.add (local.get $d) (local.get $hc))'),
            value: at(
              '(local.get $qkv)',
              '(local.get $j)',
              '(i32.add (i32.shl (local.get $d) (i32.const 1)) (local.get $hc))',
            ),
            // o has d columns, qkv 3d: $width is switched for o's address only.
            output: `(local.set $width (local.get $d))
              (local.set $po ${at('(local.get $o)', '(local.get $qi)', '(local.get $hc)')})
              (local.set $width (i32.mul (local.get $d) (i32.const 3)))`,
          })}`)})`;

/** dP_j = dO_i . v_j, as an inline f32 expression (ATTENTION_GRAD reads it in two loops). */
const dOdotV = () =>
  dot(
    '(local.get $pdo)',
    at('(local.get $qkv)', '(local.get $j)', '(i32.add (i32.shl (local.get $d) (i32.const 1)) (local.get $hc))'),
    '(local.get $hd)',
  );

/**
 * Gradients of ATTENTION into dqkv: dP_j = dO_i . v_j, dS_j = p_j (dP_j - sum_j p_j dP_j) scale;
 * dq_i = sum_j dS_j k_j, dk_j += dS_j q_i, dv_j += p_j dO_i. Batch rows b0 <= b < b1 only: their
 * rows of dqkv (b0 .. b1 - 1 at every position) are cleared and summed into, no other row.
 */
const ATTENTION_GRAD = `
  (func (export "attention_grad") (param $dqkv i32) (param $do i32) (param $qkv i32) (param $p i32) (param $t i32)
    (param $batch i32) (param $heads i32) (param $hd i32) (param $tq i32) (param $scale f32) (param $b0 i32)
    (param $b1 i32)
    ${ATTENTION_LOCALS} (local $pdo i32) (local $pq i32) (local $pdq i32) (local $pj f32) (local $row i32)
    (local.set $d (i32.mul (local.get $heads) (local.get $hd)))
    (local.set $row (i32.mul (local.get $d) (i32.const 12)))
    (local.set $i (i32.const 0))
    (loop $clear
      (memory.fill
        (i32.add (local.get $dqkv)
          (i32.mul (i32.add (i32.mul (local.get $i) (local.get $batch)) (local.get $b0)) (local.get $row)))
        (i32.const 0) (i32.mul (i32.sub (local.get $b1) (local.get $b0)) (local.get $row)))
      (br_if $clear (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $t))))
    ${groupsAndQueries(`
          (local.set $width (local.get $d))
          (local.set $pdo ${at('(local.get $do)', '(local.get $qi)', '(local.get $hc)')})
          (local.set $width (i32.mul (local.get $d) (i32.const 3)))
          (local.set $pq ${at('(local.get $qkv)', '(local.get $i)', '(local.get $hc)')})
          (local.set $pdq ${at('(local.get $dqkv)', '(local.get $i)', '(local.get $hc)')})
          (local.set $sum (f32.const 0))
          (local.set $j (i32.const 0))
          (loop $inner
            (local.set $sum (f32.add (local.get $sum) (f32.mul
              (f32.load (i32.add (local.get $pp) (i32.shl (local.get $j) (i32.const 2))))
              ${dOdotV()})))
            (br_if $inner (i32.le_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $i))))
          (local.set $j (i32.const 0))
          (loop $keys
            (local.set $pj (f32.load (i32.add (local.get $pp) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $s ${dOdotV()})
            (local.set $s (f32.mul (f32.mul (local.get $pj) (f32.sub (local.get $s) (local.get $sum))) (local.get $scale)))
            ${axpy(
              '(local.get $pdq)',
              '(local.get $s)',
              at('(local.get $qkv)', '(local.get $j)', '(i32.add (local.get $d) (local.get $hc))'),
              '(local.get $hd)',
            )}
            ${axpy(
              at('(local.get $dqkv)', '(local.get $j)', '(i32.add (local.get $d) (local.get $hc))'),
              '(local.get $s)',
              '(local.get $pq)',
              '(local.get $hd)',
            )}
            ${axpy(
              at(
                '(local.get $dqkv)',
                '(local.get $j)',
                '(i32.add (i32.shl (local.get $d) (i32.const 1)) (local.get $hc))',
              ),
              '(local.get $pj)',
              '(local.get $pdo)',
              '(local.get $hd)',
            )}
            (br_if $keys (i32.le_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $i))))`)})`;

/**
 * Attention of one new position over a KV cache (decoding): q, o [B, d]; k, v [T * B, d], rows
 * position-major, the new position's keys and values last; p [B, H, T] the weights. The query sees
 * every cached position, so nothing is masked. Same arithmetic as ATTENTION per (b, h). Batch rows
 * b0 <= b < b1 only.
 */
const ATTENTION_DECODE = `
  (func (export "attention_decode") (param $o i32) (param $p i32) (param $q i32) (param $k i32) (param $v i32)
    (param $t i32) (param $batch i32) (param $heads i32) (param $hd i32) (param $scale f32) (param $b0 i32)
    (param $b1 i32)
    ${ATTENTION_LOCALS} (local $po i32)
    (local.set $d (i32.mul (local.get $heads) (local.get $hd)))
    (local.set $width (local.get $d))
    (local.set $i (i32.sub (local.get $t) (i32.const 1)))
    (local.set $b (local.get $b0))
    (loop $lb
      (local.set $h (i32.const 0))
      (loop $lh
        (local.set $hc (i32.mul (local.get $h) (local.get $hd)))
        (local.set $pp (i32.add (local.get $p) (i32.shl (i32.mul (i32.add
          (i32.mul (local.get $b) (local.get $heads)) (local.get $h)) (local.get $t)) (i32.const 2))))
        ${attendOne({
          query: at('(local.get $q)', '(i32.const 0)', '(local.get $hc)'),
          key: at('(local.get $k)', '(local.get $j)', '(local.get $hc)'),
          value: at('(local.get $v)', '(local.get $j)', '(local.get $hc)'),
          output: `(local.set $po ${at('(local.get $o)', '(i32.const 0)', '(local.get $hc)')})`,
        })}
        (br_if $lh (i32.lt_u (local.tee $h (i32.add (local.get $h) (i32.const 1))) (local.get $heads))))
      (br_if $lb (i32.lt_u (local.tee $b (i32.add (local.get $b) (i32.const 1))) (local.get $b1)))))`;

/** The functions of this file, for the module gemm-wat.ts assembles. */
export const NORM_ATTENTION_FUNCS = [
  HSUM,
  EXP,
  LAYER_NORM,
  LAYER_NORM_GRAD,
  ATTENTION,
  ATTENTION_GRAD,
  ATTENTION_DECODE,
].join('\n');
