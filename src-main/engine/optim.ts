/**
 * Optimizers written on tf.Variables (not tfjs's own), so that every slot (Adam's m and v, the step
 * count) is ours to save in a checkpoint and restore bit for bit. Each update also reports the
 * pre-clip gradient norm and the norm of the step actually taken (their ratio is the effective SGD
 * step length of the logit-space entropy estimate, rl/entropy.ts); on request it also returns the
 * update as a linear map of its gradient (StepMap), which the exact attribution needs
 * (rl/attribution.ts).
 *
 * Applied variable by variable, clipped Adam runs ~19 small kernels per variable (482 for the
 * default GPT's 25 variables). Instead, consecutive variables are packed into a few flat groups
 * (VariableGroup) and the clip and Adam formulas run once per group: 147 kernels for that GPT,
 * and 40% less time on wasm. The formulas are the per-variable ones applied elementwise, so the
 * result is the same to float32 rounding (only the norm's summation order can differ). Slots are
 * held per group but saved per variable (`<index>/m`, `<index>/v`, shaped like the variable), so
 * checkpoints do not depend on the grouping.
 */
import type { OptimConfig } from '../contract';
import { tf } from './tf';
import type { TensorMap } from './types';

const ADAM_EPS = 1e-8;
/** Added to the norm before dividing, as torch.nn.utils.clip_grad_norm_ does. */
const CLIP_EPS = 1e-6;

/** A type alias (not an interface) so that it is a tf.TensorContainer and can leave a tf.tidy. */
export type UpdateNorms = {
  /** Global L2 norm of the gradients before clipping. */
  gradNorm: tf.Scalar;
  /** L2 norm of the parameter change ||delta theta||. */
  updateNorm: tf.Scalar;
};

/**
 * The update just applied as a linear map of its gradient g (issue 13): delta theta = -P g + carry,
 * with P diagonal and everything that depends on g nonlinearly frozen at the value the update used:
 * the clip scale s = min(1, c / (||g|| + 1e-6)) and Adam's second moment v_t after this update.
 *   SGD:  P = lr s,                                              carry = 0
 *   Adam: P = lr (1 - b1) s / ((1 - b1^t) (sqrt(v^_t) + eps)),   carry = -lr b1 m_{t-1} / ((1 - b1^t) (sqrt(v^_t) + eps))
 * The carry is the first moment brought from earlier updates: no gradient of this update owns it.
 * With those frozen the identity is exact for the step actually taken (to float32 rounding).
 * Every tensor list is aligned with the optimizer's variables.
 */
export interface StepMap {
  /** P x for a list x aligned with the variables. */
  precondition(x: readonly tf.Tensor[]): tf.Tensor[];
  /** The step's carry, or null where it is zero (SGD). */
  carry: tf.Tensor[] | null;
  /** theta_{k+1} - theta_k as applied. */
  delta: tf.Tensor[];
}

export interface Optimizer {
  /** Updates applied so far. */
  readonly step: number;
  /** One descent step from gradients aligned with the variables. Call inside tf.tidy. */
  apply(grads: readonly tf.Tensor[]): UpdateNorms;
  /** The same step (identical arithmetic), also returning its gradient-to-step map. Call inside tf.tidy. */
  applyMapped(grads: readonly tf.Tensor[]): UpdateNorms & { map: StepMap };
  /** Slots as plain arrays, keyed `<variable index>/<slot>`, each shaped like its variable. */
  state(): Promise<TensorMap>;
  /** Sets slots and step from `state()`'s output; checks every slot before changing any. */
  restore(slots: TensorMap, step: number): void;
  dispose(): void;
}

/** sqrt(sum of squares of every tensor). */
export function globalNorm(tensors: readonly tf.Tensor[]): tf.Scalar {
  return tf.sqrt(tf.addN(tensors.map((t) => tf.sum(tf.square(t))))) as tf.Scalar;
}

/** Scales gradients so their global norm is at most maxNorm; returns the pre-clip norm and the scale (null: no clip). */
export function clipByGlobalNorm(
  grads: readonly tf.Tensor[],
  maxNorm: number | null,
): { grads: tf.Tensor[]; norm: tf.Scalar; scale: tf.Scalar | null } {
  const norm = globalNorm(grads);
  if (maxNorm === null) return { grads: [...grads], norm, scale: null };
  const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, CLIP_EPS))) as tf.Scalar;
  return { grads: grads.map((g) => tf.mul(g, scale)), norm, scale };
}

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Most elements packed into one group. Packing saves ~15 kernels per variable, but packing and
 * unpacking copy, and wasm's slice copies its whole input for every piece it cuts (large copies
 * also wake V8's collector). Optimizer step alone on wasm (bench/gpt.ts workloads), unpacked /
 * packed up to 64k elements / all in one group: default GPT (102k parameters) 3.1 / 1.9 / 1.9 ms,
 * reference GPT (411k) 6.0 / 5.3 / 6.4 ms.
 */
const GROUP_ELEMENTS = 65_536;

/** A run of consecutive variables that the optimizer's arithmetic sees as one flat vector. */
class VariableGroup {
  readonly sizes: readonly number[];
  readonly offsets: readonly number[];
  readonly size: number;

  constructor(
    /** Index of the group's first variable in the optimizer's list. */
    readonly start: number,
    readonly shapes: readonly number[][],
  ) {
    this.sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
    this.offsets = this.sizes.map((_, i) => this.sizes.slice(0, i).reduce((a, b) => a + b, 0));
    this.size = this.sizes.reduce((a, b) => a + b, 0);
  }

  get end(): number {
    return this.start + this.shapes.length;
  }

  /** The group's tensors end to end: [size]. */
  flatten(tensors: readonly tf.Tensor[]): tf.Tensor1D {
    const flat = tensors.map((t) => tf.reshape(t, [-1]) as tf.Tensor1D);
    return flat.length === 1 ? flat[0] : (tf.concat(flat) as tf.Tensor1D);
  }

  /**
   * A [size] vector cut back into the group's shapes, by halving recursively rather than one k-way
   * split: a k-way split copies the vector k times on wasm, halving ~2 log2(k) times.
   */
  unflatten(flat: tf.Tensor1D): tf.Tensor[] {
    return this.pieces(flat, 0, this.sizes.length).map((part, i) => tf.reshape(part, this.shapes[i]));
  }

  private pieces(flat: tf.Tensor1D, from: number, to: number): tf.Tensor1D[] {
    if (to - from === 1) return [flat];
    const mid = (from + to) >> 1;
    const left = this.offsets[mid] - this.offsets[from];
    const [head, tail] = tf.split(flat, [left, flat.size - left]) as tf.Tensor1D[];
    return [...this.pieces(head, from, mid), ...this.pieces(tail, mid, to)];
  }

  /** Saved slot `name` of the group's variables (keys `<index>/<name>`), checked and laid end to end. */
  readSlot(slots: TensorMap, name: string): Float32Array {
    const flat = new Float32Array(this.size);
    this.shapes.forEach((shape, j) => {
      const key = `${this.start + j}/${name}`;
      const saved = slots[key];
      if (!saved) throw new Error(`optimizer state: missing slot "${key}"`);
      if (!sameShape(saved.shape, shape) || saved.data.length !== this.sizes[j]) {
        throw new Error(`optimizer state: slot "${key}" has shape [${saved.shape}], expected [${shape}]`);
      }
      flat.set(saved.data, this.offsets[j]);
    });
    return flat;
  }

  /** The inverse of readSlot: a flat slot's values per variable. */
  writeSlot(out: TensorMap, name: string, flat: Float32Array): void {
    this.shapes.forEach((shape, j) => {
      const start = this.offsets[j];
      out[`${this.start + j}/${name}`] = { shape: [...shape], data: flat.slice(start, start + this.sizes[j]) };
    });
  }
}

/** Consecutive variables packed greedily up to GROUP_ELEMENTS per group; a larger variable is a group alone. */
function groupVariables(shapes: readonly number[][]): VariableGroup[] {
  const groups: VariableGroup[] = [];
  let start = 0;
  let size = 0;
  shapes.forEach((shape, i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    if (i > start && size + n > GROUP_ELEMENTS) {
      groups.push(new VariableGroup(start, shapes.slice(start, i)));
      [start, size] = [i, 0];
    }
    size += n;
  });
  groups.push(new VariableGroup(start, shapes.slice(start)));
  return groups;
}

type SlotName = 'm' | 'v';

/** One group's share of an update: its step, and with a map requested its P and carry (see StepMap). */
interface GroupStep {
  delta: tf.Tensor1D; // [size]
  precond?: tf.Tensor; // [size] or scalar, before the clip scale
  carry?: tf.Tensor1D; // [size]
}

abstract class GroupedOptimizer implements Optimizer {
  step = 0;
  private readonly shapes: readonly number[][];
  private readonly groups: readonly VariableGroup[];
  /** Per slot, one flat variable per group ([group.size]), zero at the start. */
  private readonly slots: ReadonlyMap<SlotName, tf.Variable[]>;

  constructor(
    protected readonly config: OptimConfig,
    private readonly variables: readonly tf.Variable[],
    slotNames: readonly SlotName[],
  ) {
    if (variables.length === 0) throw new Error('optimizer: expected at least one variable to train');
    this.shapes = variables.map((v) => [...v.shape]);
    this.groups = groupVariables(this.shapes);
    // Inside tidy, so the zeros the slots start from are released (each variable keeps its own reference).
    const zeros = () => this.groups.map((g) => tf.tidy(() => tf.variable(tf.zeros([g.size]), false)));
    this.slots = new Map(slotNames.map((name) => [name, zeros()]));
  }

  /**
   * The parameter change delta theta of group k ([size]) for its clipped flat gradient; advances its
   * slots. With `withMap`, also the group's part of the StepMap for the clipped gradient: P as a
   * [size] diagonal or a scalar, and the carry ([size], absent when zero).
   */
  protected abstract delta(grad: tf.Tensor1D, k: number, withMap: boolean): GroupStep;

  protected slot(name: SlotName, k: number): tf.Variable {
    return (this.slots.get(name) as tf.Variable[])[k];
  }

  apply(grads: readonly tf.Tensor[]): UpdateNorms {
    const { norms } = this.update(grads, false);
    return norms;
  }

  applyMapped(grads: readonly tf.Tensor[]): UpdateNorms & { map: StepMap } {
    const { norms, steps, scale } = this.update(grads, true);
    const perVariable = (parts: readonly tf.Tensor1D[]) => this.groups.flatMap((g, k) => g.unflatten(parts[k]));
    const precondition = (x: readonly tf.Tensor[]): tf.Tensor[] => {
      this.checkGradients(x);
      const flat = this.groups.map((g, k) => {
        const p = scale ? tf.mul(steps[k].precond as tf.Tensor, scale) : (steps[k].precond as tf.Tensor);
        return tf.mul(g.flatten(x.slice(g.start, g.end)), p) as tf.Tensor1D; // [size] P x
      });
      return perVariable(flat);
    };
    const carries = steps.map((s) => s.carry);
    const carry = carries.every((c) => c !== undefined) ? perVariable(carries as tf.Tensor1D[]) : null;
    return { ...norms, map: { precondition, carry, delta: perVariable(steps.map((s) => s.delta)) } };
  }

  private update(grads: readonly tf.Tensor[], withMap: boolean) {
    this.checkGradients(grads);
    const flat = this.groups.map((g) => g.flatten(grads.slice(g.start, g.end)));
    const clipped = clipByGlobalNorm(flat, this.config.gradClip);
    this.step += 1;
    const steps = clipped.grads.map((g, k) => this.delta(g as tf.Tensor1D, k, withMap));
    this.groups.forEach((group, k) => {
      const variables = this.variables.slice(group.start, group.end);
      const next = group.unflatten(tf.add(group.flatten(variables), steps[k].delta));
      next.forEach((value, j) => variables[j].assign(value));
    });
    const norms = { gradNorm: clipped.norm, updateNorm: globalNorm(steps.map((s) => s.delta)) };
    return { norms, steps, scale: clipped.scale };
  }

  private checkGradients(grads: readonly tf.Tensor[]): void {
    if (grads.length !== this.shapes.length) {
      throw new Error(`optimizer: expected ${this.shapes.length} gradients, got ${grads.length}`);
    }
    grads.forEach((g, i) => {
      if (!sameShape(g.shape, this.shapes[i])) {
        throw new Error(`optimizer: gradient ${i} has shape [${g.shape}], expected [${this.shapes[i]}]`);
      }
    });
  }

  async state(): Promise<TensorMap> {
    const out: TensorMap = {};
    for (const [name, perGroup] of this.slots) {
      for (const [k, group] of this.groups.entries()) {
        group.writeSlot(out, name, (await perGroup[k].data()) as Float32Array);
      }
    }
    return out;
  }

  restore(slots: TensorMap, step: number): void {
    if (!Number.isInteger(step) || step < 0) throw new Error(`optimizer state: expected a step >= 0, got ${step}`);
    // Every slot is read and checked before any is assigned: a bad checkpoint changes nothing.
    const reads = [...this.slots].flatMap(([name, perGroup]) =>
      this.groups.map((group, k) => ({ slot: perGroup[k], data: group.readSlot(slots, name) })),
    );
    for (const { slot, data } of reads) tf.tidy(() => slot.assign(tf.tensor1d(data, 'float32')));
    this.step = step;
  }

  dispose(): void {
    for (const perGroup of this.slots.values()) perGroup.forEach((slot) => slot.dispose());
  }
}

/** theta <- theta - lr * g */
class Sgd extends GroupedOptimizer {
  constructor(config: OptimConfig, variables: readonly tf.Variable[]) {
    super(config, variables, []);
  }

  protected delta(grad: tf.Tensor1D, _k: number, withMap: boolean): GroupStep {
    const delta = tf.mul(grad, -this.config.lr) as tf.Tensor1D;
    return withMap ? { delta, precond: tf.scalar(this.config.lr) } : { delta };
  }
}

/** Adam (Kingma & Ba 2015) with bias correction; eps 1e-8 outside the square root, as in PyTorch. */
class Adam extends GroupedOptimizer {
  constructor(config: OptimConfig, variables: readonly tf.Variable[]) {
    super(config, variables, ['m', 'v']);
  }

  protected delta(g: tf.Tensor1D, k: number, withMap: boolean): GroupStep {
    const { lr, beta1, beta2 } = this.config;
    const [mSlot, vSlot] = [this.slot('m', k), this.slot('v', k)];
    const mPrev = withMap ? tf.clone(mSlot) : null; // keeps m_{t-1}: assign() below moves the slot on
    const m = tf.add(tf.mul(mSlot, beta1), tf.mul(g, 1 - beta1)); // m = b1 m + (1 - b1) g
    const v = tf.add(tf.mul(vSlot, beta2), tf.mul(tf.square(g), 1 - beta2)); // v = b2 v + (1 - b2) g^2
    mSlot.assign(m);
    vSlot.assign(v);
    const mHat = tf.div(m, 1 - beta1 ** this.step);
    const vHat = tf.div(v, 1 - beta2 ** this.step);
    const delta = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), ADAM_EPS)), -lr) as tf.Tensor1D; // -lr m^ / (sqrt(v^) + eps)
    if (!mPrev) return { delta };
    // D = lr / ((1 - b1^t) (sqrt(v^) + eps)), so that delta = -D m = -D (b1 m_{t-1} + (1 - b1) g).
    const D = tf.div(lr / (1 - beta1 ** this.step), tf.add(tf.sqrt(vHat), ADAM_EPS)); // [size]
    return { delta, precond: tf.mul(D, 1 - beta1), carry: tf.mul(tf.mul(D, mPrev), -beta1) as tf.Tensor1D };
  }
}

const OPTIMIZERS: Record<OptimConfig['optimizer'], new (c: OptimConfig, v: readonly tf.Variable[]) => Optimizer> = {
  adam: Adam,
  sgd: Sgd,
};

export function createOptimizer(config: OptimConfig, variables: readonly tf.Variable[]): Optimizer {
  return new OPTIMIZERS[config.optimizer](config, variables);
}
