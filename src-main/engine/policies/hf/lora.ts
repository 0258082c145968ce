/**
 * LoRA (arXiv 2106.09685): a frozen linear layer W [in, out] plus a trained low-rank update,
 * y = x W + (alpha / r) (x A) B with A [in, r] and B [r, out]. A starts uniform in
 * +-1/sqrt(in) (PEFT's kaiming-uniform with a = sqrt(5)), B at zero, so the policy starts exactly
 * at the checkpoint. Only A and B train and are checkpointed.
 */
import type { Rng, TensorMap } from '../../types';
import { tf } from '../../tf';
import { LORA_MODULES } from './names';
import type { ModelSpec } from './spec';

export interface LoraSettings {
  rank: number;
  alpha: number;
}

export interface Adapter {
  a: tf.Variable; // [in, r]
  b: tf.Variable; // [r, out]
  scale: number; // alpha / r
}

/** Our linear layers (e.g. "h3.q") that the target module names select. */
export function loraLayers(spec: ModelSpec, targets: readonly string[]): string[] {
  const modules = LORA_MODULES[spec.family];
  const unknown = targets.filter((t) => !(t in modules));
  if (unknown.length > 0) {
    throw new Error(
      `policy.lora.targets: ${unknown.map((t) => `"${t}"`).join(', ')} not in a ${spec.modelType} model ` +
        `(expected some of ${Object.keys(modules).join(', ')})`,
    );
  }
  const ours = new Set(targets.flatMap((t) => modules[t]));
  return Array.from({ length: spec.layers }, (_, i) => [...ours].map((n) => `h${i}.${n}`)).flat();
}

/** Checkpoint names of an adapter's two matrices. */
const names = (layer: string) => [`lora.${layer}.A`, `lora.${layer}.B`] as const;

export class LoraSet {
  readonly adapters = new Map<string, Adapter>();

  /** `shapeOf(layer)` is the frozen weight's [in, out]. */
  constructor(layers: readonly string[], shapeOf: (layer: string) => number[], s: LoraSettings, rng: Rng) {
    for (const layer of layers) {
      const [inDim, outDim] = shapeOf(layer);
      const bound = 1 / Math.sqrt(inDim);
      const a = Float32Array.from({ length: inDim * s.rank }, () => (2 * rng.next() - 1) * bound);
      this.adapters.set(layer, {
        a: tf.variable(tf.tensor2d(a, [inDim, s.rank]), true, `${names(layer)[0]}#${nextId()}`),
        b: tf.variable(tf.zeros([s.rank, outDim]), true, `${names(layer)[1]}#${nextId()}`),
        scale: s.alpha / s.rank,
      });
    }
  }

  get variables(): tf.Variable[] {
    return [...this.adapters.values()].flatMap((ad) => [ad.a, ad.b]);
  }

  get parameterCount(): number {
    return this.variables.reduce((n, v) => n + v.size, 0);
  }

  async weights(): Promise<TensorMap> {
    const out: TensorMap = {};
    for (const [layer, ad] of this.adapters) {
      const [an, bn] = names(layer);
      out[an] = { shape: [...ad.a.shape], data: new Float32Array(await ad.a.data()) };
      out[bn] = { shape: [...ad.b.shape], data: new Float32Array(await ad.b.data()) };
    }
    return out;
  }

  /** Sets every adapter from `weights()`'s output; checks all of them before changing any. */
  setWeights(weights: TensorMap): void {
    const expected = new Map<string, tf.Variable>();
    for (const [layer, ad] of this.adapters) {
      const [an, bn] = names(layer);
      expected.set(an, ad.a).set(bn, ad.b);
    }
    for (const [name, v] of expected) {
      const w = weights[name];
      if (!w) throw new Error(`LoRA weights: missing "${name}"`);
      if (w.shape.join(',') !== v.shape.join(',') || w.data.length !== v.size) {
        throw new Error(`LoRA weights: "${name}" has shape [${w.shape}], expected [${v.shape}]`);
      }
    }
    const unknown = Object.keys(weights).filter((n) => !expected.has(n));
    if (unknown.length) throw new Error(`LoRA weights: unexpected ${unknown.map((n) => `"${n}"`).join(', ')}`);
    tf.tidy(() => expected.forEach((v, n) => v.assign(tf.tensor(weights[n].data, weights[n].shape))));
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

/** tfjs variable names are global: two policies in one process need distinct ones. */
let counter = 0;
const nextId = () => ++counter;
