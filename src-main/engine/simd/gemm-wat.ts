/**
 * WebAssembly text of the GEMM kernels (simd/module.ts compiles it with wabt at backend start).
 * Both are register-tiled on a 4 x 8 block of C held in eight f32x4 accumulators, reading their
 * operands in place, row-major as tfjs stores them: no packing, the cost XNNPACK pays for every
 * right-hand operand it has not seen (research/toolchain.md), and no materialised transposes.
 *  - gemm_nn: C[M, N] = A[M, K] B[K, N]; each k splats A[i + r, k] over a row of B.
 *  - gemm_tn: C[M, N] = A[K, M]^T B[K, N] (a weight gradient x^T dy); each k loads the four
 *    A[k, i..i+3] in one vector and shuffles each lane out. K runs in blocks of KB rows summed
 *    into C, so the strided rows of A and B one block reads stay in cache. A's rows are `lda`
 *    floats apart (lda >= M), so a thread can compute a band of C's rows from a band of A's columns.
 * Preconditions (checked by the caller): M % 4 == 0, N % 8 == 0, K >= 1.
 */

/** Rows of A and B one gemm_tn block reads; 64-256 measured alike on d 64 / 256 shapes, 4096 ~35% slower. */
const KB = 128;

const zero = 'v128.const i32x4 0 0 0 0';

/** Accumulate row r of the 4 x 8 block: c{r}0 += s * b0, c{r}1 += s * b1. */
const accumulate = (r: number) =>
  `(local.set $c${r}0 (f32x4.add (local.get $c${r}0) (f32x4.mul (local.get $s) (local.get $b0))))
   (local.set $c${r}1 (f32x4.add (local.get $c${r}1) (f32x4.mul (local.get $s) (local.get $b1))))`;

/** The shuffle that broadcasts f32 lane `lane` of $va to all four lanes. */
const splatLane = (lane: number) => {
  const bytes = [0, 1, 2, 3].map((b) => 4 * lane + b).join(' ');
  return `(i8x16.shuffle ${bytes} ${bytes} ${bytes} ${bytes} (local.get $va) (local.get $va))`;
};

const LOCALS = `(local $i i32) (local $j i32) (local $kk i32) (local $pa i32) (local $pb i32) (local $pc i32)
    (local $sa i32) (local $sb i32) (local $va v128) (local $b0 v128) (local $b1 v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)`;

const clearBlock = [0, 1, 2, 3].map((r) => `(local.set $c${r}0 (${zero})) (local.set $c${r}1 (${zero}))`).join('\n');

/** Writes the block's row r at $pc (then moves $pc a row on), via `f` applied to each accumulator. */
const storeRows = (f: (acc: string, offset: string) => string) =>
  [0, 1, 2, 3]
    .map(
      (r) => `(v128.store (local.get $pc) ${f(`(local.get $c${r}0)`, '')})
        (v128.store offset=16 (local.get $pc) ${f(`(local.get $c${r}1)`, 'offset=16')})
        (local.set $pc (i32.add (local.get $pc) (local.get $sb)))`,
    )
    .join('\n');

/** Loops over the 4 x 8 blocks of C[M, N]; `inner` runs $kk times with $pa, $pb at the block's first k. */
const blocks = (startA: string, inner: string, stepA: string, store: string) => `
    (local.set $sb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $i (i32.const 0))
    (loop $li
      (local.set $j (i32.const 0))
      (loop $lj
        ${clearBlock}
        (local.set $pa ${startA})
        (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $kk (local.get $k))
        (loop $lk
          (local.set $b0 (v128.load (local.get $pb)))
          (local.set $b1 (v128.load offset=16 (local.get $pb)))
          ${inner}
          (local.set $pa (i32.add (local.get $pa) ${stepA}))
          (local.set $pb (i32.add (local.get $pb) (local.get $sb)))
          (br_if $lk (local.tee $kk (i32.sub (local.get $kk) (i32.const 1)))))
        (local.set $pc
          (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
        ${store}
        (br_if $lj (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 8))) (local.get $n))))
      (br_if $li (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 4))) (local.get $m))))`;

/** A[i + r, k] splatted: row r of A is $sa bytes after row r - 1. */
const rowOfA = (r: number) =>
  r === 0 ? '(local.get $pa)' : `(i32.add (local.get $pa) (i32.mul (local.get $sa) (i32.const ${r})))`;

/** max(c, 0) on every accumulator when $relu is set (f32x4.max keeps NaN, as Math.max does). */
const relu = `(if (local.get $relu) (then
  ${[0, 1, 2, 3]
    .flatMap((r) => [`$c${r}0`, `$c${r}1`])
    .map((c) => `(local.set ${c} (f32x4.max (local.get ${c}) (${zero})))`)
    .join('\n')}))`;

const GEMM_NN = `
  (func (export "gemm_nn") (param $c i32) (param $a i32) (param $b i32) (param $m i32) (param $n i32) (param $k i32)
    (param $relu i32)
    ${LOCALS}
    (local.set $sa (i32.shl (local.get $k) (i32.const 2)))
    ${blocks(
      '(i32.add (local.get $a) (i32.mul (local.get $i) (local.get $sa)))',
      [0, 1, 2, 3].map((r) => `(local.set $s (v128.load32_splat ${rowOfA(r)}))\n${accumulate(r)}`).join('\n'),
      '(i32.const 4)',
      `${relu}\n${storeRows((acc) => acc)}`,
    )})`;

const GEMM_TN_BLOCK = `
  (func $gemm_tn_block (param $c i32) (param $a i32) (param $b i32) (param $m i32) (param $n i32) (param $k i32)
    (param $lda i32)
    ${LOCALS}
    (local.set $sa (i32.shl (local.get $lda) (i32.const 2)))
    ${blocks(
      '(i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 2)))',
      `(local.set $va (v128.load (local.get $pa)))\n` +
        [0, 1, 2, 3].map((r) => `(local.set $s ${splatLane(r)})\n${accumulate(r)}`).join('\n'),
      '(local.get $sa)',
      storeRows((acc, offset) => `(f32x4.add (v128.load ${offset} (local.get $pc)) ${acc})`),
    )})`;

const GEMM_TN = `
  (func (export "gemm_tn") (param $c i32) (param $a i32) (param $b i32) (param $m i32) (param $n i32) (param $k i32)
    (param $lda i32)
    (local $k0 i32) (local $len i32)
    (memory.fill (local.get $c) (i32.const 0) (i32.shl (i32.mul (local.get $m) (local.get $n)) (i32.const 2)))
    (loop $blocks
      (local.set $len (i32.sub (local.get $k) (local.get $k0)))
      (if (i32.gt_u (local.get $len) (i32.const ${KB})) (then (local.set $len (i32.const ${KB}))))
      (call $gemm_tn_block (local.get $c)
        (i32.add (local.get $a) (i32.shl (i32.mul (local.get $k0) (local.get $lda)) (i32.const 2)))
        (i32.add (local.get $b) (i32.shl (i32.mul (local.get $k0) (local.get $n)) (i32.const 2)))
        (local.get $m) (local.get $n) (local.get $len) (local.get $lda))
      (br_if $blocks (i32.lt_u (local.tee $k0 (i32.add (local.get $k0) (i32.const ${KB}))) (local.get $k)))))`;

/** The functions of this file, for the module simd/module.ts assembles. */
export const GEMM_FUNCS = [GEMM_NN, GEMM_TN_BLOCK, GEMM_TN].join('\n');
