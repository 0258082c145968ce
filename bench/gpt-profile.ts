/**
 * Where an update's time goes (issue 20): tf.profile's per-kernel times, summed by kernel name over
 * a few updates, split into the matmul work the floor counts, the kernels XNNPACK spreads over its
 * threads, and the rest; plus the time outside any kernel (JavaScript: autodiff bookkeeping, tidy,
 * building inputs). Composite records (a customGrad op, a named op scope) time their nested
 * kernels again; only kernels the backend registers are summed.
 */
import { KERNEL_NAMES } from '../src-main/engine/simd/kernels';
import { tf } from '../src-main/engine/tf';
import { cpuMs } from './gpt-timing';

/**
 * Our kernels that split their rows over the kernel threads (engine/simd/kernels.ts); the LayerNorm
 * backward sums over every row and stays on one thread.
 */
export const SPLIT_KERNELS: ReadonlySet<string> = new Set([
  ...[KERNEL_NAMES.matMul, KERNEL_NAMES.matMulTN, KERNEL_NAMES.layerNorm],
  ...[KERNEL_NAMES.attention, KERNEL_NAMES.attentionGrad, KERNEL_NAMES.attentionDecode],
]);

/**
 * wasm kernels that run on XNNPACK's thread pool (tfjs-backend-wasm 4.22, src/cc: every kernel
 * passing `backend::threadpool` to an XNNPACK operator), given threads only for the HF policy
 * (engine/wasm.ts). A 2-D matmul is one; the transposed or batched fallback is a scalar loop on
 * the calling thread (research/toolchain.md), which the GPT never takes on wasm.
 */
export const THREADED_WASM_KERNELS: ReadonlySet<string> = new Set([
  ...['BatchMatMul', '_FusedMatMul', 'Conv2D', 'FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2D'],
  ...['Add', 'Sub', 'Multiply', 'RealDiv', 'SquaredDifference', 'Abs', 'Ceil', 'Floor', 'Neg', 'Round', 'Square'],
  ...['Relu', 'Relu6', 'Elu', 'LeakyRelu', 'Prelu', 'Sigmoid', 'Softmax', 'ClipByValue', 'PadV2'],
  ...['MaxPool', 'AvgPool', 'ResizeBilinear'],
]);

const MATMULS = new Set(['BatchMatMul', '_FusedMatMul', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2D']);

/** Kernel families for "where the rest goes"; anything unnamed is elementwise math or a reduction. */
const FAMILIES: Record<string, readonly string[]> = {
  'matmul (2-D and grouped)': [...MATMULS],
  'fused GEMMs (engine/simd)': [KERNEL_NAMES.matMul, KERNEL_NAMES.matMulTN],
  'fused LayerNorm and attention (engine/simd)': [
    ...[KERNEL_NAMES.layerNorm, KERNEL_NAMES.layerNormGrad, KERNEL_NAMES.attention, KERNEL_NAMES.attentionGrad],
    KERNEL_NAMES.attentionDecode,
  ],
  transpose: ['Transpose'],
  'copies (identity, slice, split, concat, pad)': ['Identity', 'Slice', 'SplitV', 'Concat', 'PadV2', 'Reshape', 'Cast'],
};

/** Milliseconds per update by kernel family, largest first, then the time outside kernels. */
export function families(p: UpdateProfile): { name: string; calls: number; ms: number }[] {
  const of = (k: KernelTotal) =>
    Object.keys(FAMILIES).find((f) => FAMILIES[f].includes(k.name)) ?? 'elementwise and reductions';
  const out = new Map<string, { name: string; calls: number; ms: number }>();
  for (const k of p.byKernel) {
    const f = out.get(of(k)) ?? { name: of(k), calls: 0, ms: 0 };
    f.calls += k.calls;
    f.ms += k.ms;
    out.set(f.name, f);
  }
  const sorted = [...out.values()].sort((a, b) => b.ms - a.ms);
  return [
    ...sorted,
    { name: 'outside kernels (JavaScript: autodiff, bookkeeping)', calls: 0, ms: p.wall - p.inKernels },
  ];
}

export interface KernelTotal {
  name: string;
  /** Calls per update. */
  calls: number;
  /** Milliseconds per update. */
  ms: number;
}

export interface UpdateProfile {
  /** Milliseconds per profiled update on the profile's clock (profiling adds a little). */
  wall: number;
  /** Kernel calls per update. */
  kernels: number;
  byKernel: KernelTotal[];
  /** Milliseconds per update in matmuls (2-D and grouped), in XNNPACK-threaded kernels, in our split kernels, in every kernel. */
  matmul: number;
  threaded: number;
  split: number;
  inKernels: number;
}

/**
 * Profiles `reps` calls of `run` (one update each) on the current backend. The `cpu` clock times
 * kernels and updates in CPU time (through tfjs's platform clock), which a shared machine disturbs
 * far less than wall time; use it for single-threaded runs only (threads add their CPU time up).
 */
export async function profileUpdates(
  run: () => Promise<void>,
  reps: number,
  clock: 'cpu' | 'wall' = 'wall',
): Promise<UpdateProfile> {
  const platform = tf.env().platform;
  const wallNow = platform.now.bind(platform);
  const now = clock === 'cpu' ? cpuMs : wallNow;
  const backend = tf.getBackend();
  const totals = new Map<string, { calls: number; ms: number }>();
  let wall = 0;
  for (let r = 0; r < reps; r++) {
    platform.now = now;
    const t0 = now();
    const info = await tf.profile(run).finally(() => (platform.now = wallNow));
    wall += now() - t0;
    for (const k of info.kernels) {
      if (!tf.getKernel(k.name, backend)) continue;
      const t = totals.get(k.name) ?? { calls: 0, ms: 0 };
      t.calls += 1;
      t.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      totals.set(k.name, t);
    }
  }
  const byKernel = [...totals]
    .map(([name, t]) => ({ name, calls: t.calls / reps, ms: t.ms / reps }))
    .sort((a, b) => b.ms - a.ms);
  const sum = (keep: (k: KernelTotal) => boolean) => byKernel.filter(keep).reduce((s, k) => s + k.ms, 0);
  return {
    wall: wall / reps,
    kernels: byKernel.reduce((s, k) => s + k.calls, 0),
    byKernel,
    matmul: sum((k) => MATMULS.has(k.name)),
    threaded: sum((k) => THREADED_WASM_KERNELS.has(k.name)),
    split: sum((k) => SPLIT_KERNELS.has(k.name)),
    inKernels: sum(() => true),
  };
}
