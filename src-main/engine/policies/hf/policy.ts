/**
 * A pretrained Hugging Face model as an RL policy over text: distributions, log-probabilities and
 * entropies are over the whole vocabulary. Three roles share one loaded checkpoint: LoRA (frozen
 * base plus trained adapters), full fine-tuning (every weight a variable, starting as the
 * checkpoint), and the frozen reference policy (no variables).
 */
import type { RunConfig } from '../../../contract';
import { gather1d } from '../../ops';
import { kernelsFor } from '../../gpt/kernels';
import { tf } from '../../tf';
import type { Policy, Prompt, Rng, Rollout, SequenceBatch, TensorMap, TokenStats } from '../../types';
import type { LoadedCheckpoint } from './checkpoint';
import { LoraSet } from './lora';
import { HfModel } from './model';
import { sampleRollout } from './sampling';

export type HfConfig = Extract<RunConfig['policy'], { kind: 'hf' }>;
export type HfRole = 'lora' | 'full' | 'frozen';

export interface HfPolicySettings {
  role: HfRole;
  /** Trained LoRA layers (our names, lora.ts `loraLayers`) with rank and alpha. */
  lora: { layers: string[]; rank: number; alpha: number } | null;
  loraRng: Rng | null;
  stopTokens: ReadonlySet<number>;
  maxNewTokens: number;
  topP: number;
  sampleBatch: number | null;
}

/** The model's input at every position that predicts a response token (prompt, then response[:-1]). */
export function inputGrid(batch: SequenceBatch): { tokens: Int32Array; pads: Int32Array | null } {
  const { size: b, promptLen: tp, responseLen: t } = batch;
  const positions = tp + t - 1;
  const tokens = new Int32Array(positions * b);
  for (let row = 0; row < b; row++) {
    for (let p = 0; p < positions; p++) {
      tokens[p * b + row] = p < tp ? batch.prompts[row * tp + p] : batch.responses[row * t + p - tp];
    }
  }
  const pads = batch.promptPad && batch.promptPad.some((x) => x > 0) ? batch.promptPad : null;
  return { tokens, pads };
}

/** Flat indices into [T * B, V] of each response token (position-major rows), and the mask [T * B, 1]. */
function targets(batch: SequenceBatch, vocab: number) {
  const { size: b, responseLen: t } = batch;
  const index = new Int32Array(t * b);
  const mask = new Float32Array(t * b);
  for (let row = 0; row < b; row++) {
    for (let s = 0; s < t; s++) {
      if (batch.mask[row * t + s] === 0) continue;
      const token = batch.responses[row * t + s];
      if (!(token >= 0 && token < vocab))
        throw new Error(`HF policy: response token ${token} is outside the vocabulary of ${vocab}`);
      index[s * b + row] = (s * b + row) * vocab + token;
      mask[s * b + row] = 1;
    }
  }
  return { index: tf.tensor1d(index, 'int32'), mask: tf.tensor2d(mask, [t * b, 1]) };
}

export class HfPolicy implements Policy {
  readonly kind = 'hf' as const;
  readonly variables: readonly tf.Variable[];
  readonly model: HfModel;
  private readonly lora: LoraSet | null;
  private readonly full: Map<string, tf.Variable> | null;

  constructor(
    private readonly checkpoint: LoadedCheckpoint,
    private readonly settings: HfPolicySettings,
  ) {
    checkpoint.acquire();
    const spec = checkpoint.spec;
    this.full = settings.role === 'full' ? fullVariables(checkpoint.weights) : null;
    const weights = this.full ?? checkpoint.weights;
    const l = settings.lora;
    this.lora =
      settings.role === 'lora' && l
        ? new LoraSet(l.layers, (layer) => weights.get(`${layer}.w`)!.shape, l, settings.loraRng!)
        : null;
    this.variables = this.full ? [...this.full.values()] : (this.lora?.variables ?? []);
    this.model = new HfModel(spec, kernelsFor(tf.getBackend()), weights, this.lora);
  }

  tokenStats(batch: SequenceBatch, temperature: number): TokenStats {
    return tf.tidy(() => {
      const { size: b, promptLen: tp, responseLen: t } = batch;
      const V = this.model.spec.vocab;
      const { tokens, pads } = inputGrid(batch);
      const { hidden } = this.model.forward({ tokens, batch: b, pads }, null, 'scores'); // [(Tp + T - 1) * B, d]
      const h = hidden.slice([(tp - 1) * b, 0], [t * b, hidden.shape[1]]); // rows predicting responses
      const logpAll = tf.logSoftmax(tf.div(this.model.logits(h), temperature)); // [T * B, V]
      const p = tf.exp(logpAll);
      const entropy = tf.neg(tf.sum(tf.mul(p, logpAll), -1, true)); // [T * B, 1]
      const sqTerm = tf.sum(tf.mul(tf.square(p), tf.add(logpAll, entropy)), -1, true); // sum_b pi_b^2 (log pi_b + H)
      const target = targets(batch, V);
      const logp = gather1d(tf.reshape(logpAll, [-1]) as tf.Tensor1D, target.index).reshape([t * b, 1]);
      const toRows = (x: tf.Tensor) => tf.transpose(tf.mul(x, target.mask).reshape([t, b])) as tf.Tensor2D; // [B, T]
      return { logp: toRows(logp), entropy: toRows(entropy), sqTerm: toRows(sqTerm) };
    });
  }

  sample(prompts: readonly Prompt[], opts: { temperature: number; greedy?: boolean; rng: Rng }): Promise<Rollout> {
    const s = this.settings;
    return sampleRollout(this.model, prompts, {
      temperature: opts.temperature,
      greedy: opts.greedy ?? false,
      rng: opts.rng,
      topP: s.topP,
      maxNewTokens: s.maxNewTokens,
      stopTokens: s.stopTokens,
      sampleBatch: s.sampleBatch,
    });
  }

  /** LoRA: the adapters only; full fine-tuning: every weight; the reference: nothing. */
  async getWeights(): Promise<TensorMap> {
    if (this.lora) return this.lora.weights();
    const out: TensorMap = {};
    for (const [name, v] of this.full ?? [])
      out[name] = { shape: [...v.shape], data: new Float32Array(await v.data()) };
    return out;
  }

  setWeights(weights: TensorMap): void {
    if (this.lora) return this.lora.setWeights(weights);
    const full = this.full ?? new Map<string, tf.Variable>();
    for (const [name, v] of full) {
      const w = weights[name];
      if (!w || w.shape.join(',') !== v.shape.join(',')) {
        throw new Error(`HF weights: "${name}" ${w ? `has shape [${w.shape}], expected [${v.shape}]` : 'is missing'}`);
      }
    }
    const unknown = Object.keys(weights).filter((n) => !full.has(n));
    if (unknown.length)
      throw new Error(
        `HF weights: unexpected ${unknown
          .slice(0, 5)
          .map((n) => `"${n}"`)
          .join(', ')}`,
      );
    tf.tidy(() => full.forEach((v, n) => v.assign(tf.tensor(weights[n].data, weights[n].shape))));
  }

  dispose(): void {
    this.lora?.dispose();
    if (this.full) tf.dispose([...this.full.values()]);
    this.checkpoint.release();
  }
}

/** Trainable variables starting as the checkpoint (they share its buffers until the first update). */
function fullVariables(base: ReadonlyMap<string, tf.Tensor>): Map<string, tf.Variable> {
  const id = ++fullCounter;
  return new Map([...base].map(([name, t]) => [name, tf.variable(t, true, `hf${id}/${name}`)]));
}
let fullCounter = 0;
