/**
 * The GPT as an RL policy over a sequence task. Outputs are restricted to the task's answer support
 * (`allowedTokens`: digits and end): logits of every other token are masked out, so probabilities,
 * log-probabilities and entropies are over that support, and max entropy is ln |support|.
 */
import { requiredContext, type RunConfig } from '../../contract';
import { createRng } from '../rng';
import { tf } from '../tf';
import type { Policy, Prompt, Rng, Rollout, SequenceBatch, Task, TensorMap, TokenStats } from '../types';
import { kernelsFor } from './kernels';
import { GptModel, initialWeights, weightShapes, type GptDims } from './model';
import { decodeResponses } from './sampling';

export type GptConfig = Extract<RunConfig['policy'], { kind: 'gpt' }>;

export interface GptPolicyOptions {
  /** Starting weights (a base model); without them the weights are drawn from `policy.base.seed`. */
  baseWeights?: TensorMap;
  /**
   * Our fused kernels where the backend has them (gpt/kernels.ts; default true); false runs tfjs's
   * own ops only, the baseline they are tested and benchmarked against.
   */
  fusedKernels?: boolean;
}

/** Model size for a task: context defaults to what the task needs (prompt + longest answer). */
export function gptDims(policy: GptConfig, task: Pick<Task, 'vocab' | 'promptLen' | 'maxAnswerLen'>): GptDims {
  const need = requiredContext(task);
  const context = policy.context ?? need;
  if (context < need) throw new Error(`policy.context: expected at least ${need} tokens for this task, got ${context}`);
  return { vocab: task.vocab, context, dModel: policy.dModel, layers: policy.layers, heads: policy.heads };
}

/** Rows of `mask` on response positions, position-major [T * B, 1]; targets one-hot over the support. */
function responseTargets(batch: SequenceBatch, supportIndex: Map<number, number>, support: number) {
  const { size: b, responseLen: t } = batch;
  const target = new Float32Array(t * b * support);
  const mask = new Float32Array(t * b);
  for (let row = 0; row < b; row++) {
    for (let s = 0; s < t; s++) {
      if (batch.mask[row * t + s] === 0) continue;
      const token = batch.responses[row * t + s];
      const a = supportIndex.get(token);
      if (a === undefined) throw new Error(`GPT policy: response token ${token} is outside the task's allowed tokens`);
      target[(s * b + row) * support + a] = 1;
      mask[s * b + row] = 1;
    }
  }
  // [T * B, A], [T * B, 1]
  return { target: tf.tensor2d(target, [t * b, support]), mask: tf.tensor2d(mask, [t * b, 1]) };
}

/** Inputs of every position that predicts a response token: prompt then response[:-1], position-major. */
function inputGrid(batch: SequenceBatch): { tokens: Int32Array; positions: number } {
  const { size: b, promptLen: tp, responseLen: t } = batch;
  const positions = tp + t - 1;
  const tokens = new Int32Array(positions * b);
  for (let row = 0; row < b; row++) {
    for (let p = 0; p < positions; p++) {
      tokens[p * b + row] = p < tp ? batch.prompts[row * tp + p] : batch.responses[row * t + p - tp];
    }
  }
  return { tokens, positions };
}

export class GptPolicy implements Policy {
  readonly kind = 'gpt' as const;
  readonly variables: readonly tf.Variable[];
  readonly dims: GptDims;
  private readonly shapes: Record<string, number[]>;
  private readonly names: readonly string[];
  private readonly model: GptModel;
  /** [vocab, A] one-hot columns picking the allowed output tokens. */
  private readonly select: tf.Tensor2D;
  private readonly supportIndex: Map<number, number>;

  constructor(
    private readonly task: Task,
    config: GptConfig,
    initial: TensorMap,
    fusedKernels = true,
  ) {
    this.dims = gptDims(config, task);
    this.shapes = weightShapes(this.dims);
    this.names = Object.keys(this.shapes).sort();
    checkWeights(initial, this.shapes);
    // Inside tidy: a variable shares its initial tensor's data, and that tensor must not outlive it.
    const vars = tf.tidy(() => this.names.map((n) => tf.variable(tf.tensor(initial[n].data, initial[n].shape), true)));
    this.variables = vars;
    this.model = new GptModel(
      this.dims,
      kernelsFor(tf.getBackend(), { fused: fusedKernels }),
      Object.fromEntries(this.names.map((n, i) => [n, vars[i]])),
    );
    const support = task.allowedTokens;
    this.supportIndex = new Map(support.map((tok, a) => [tok, a]));
    const sel = new Float32Array(task.vocab * support.length);
    support.forEach((tok, a) => (sel[tok * support.length + a] = 1));
    this.select = tf.tensor2d(sel, [task.vocab, support.length]); // [vocab, A]
  }

  tokenStats(batch: SequenceBatch, temperature: number): TokenStats {
    return tf.tidy(() => {
      const { size: b, responseLen: t } = batch;
      const { tokens, positions } = inputGrid(batch);
      const { target, mask } = responseTargets(batch, this.supportIndex, this.task.allowedTokens.length);
      const h = this.model.hidden(tokens, positions, b, t); // [T * B, d]: the positions predicting responses
      const logpAll = tf.logSoftmax(tf.div(this.model.logits(h, this.select), temperature)); // [T * B, A]
      const p = tf.exp(logpAll); // [T * B, A]
      const entropy = tf.neg(tf.sum(tf.mul(p, logpAll), -1, true)); // [T * B, 1]
      const sqTerm = tf.sum(tf.mul(tf.square(p), tf.add(logpAll, entropy)), -1, true); // sum_b pi_b^2 (log pi_b + H)
      const logp = tf.sum(tf.mul(target, logpAll), -1, true); // [T * B, 1]: log pi of the token drawn
      const toRows = (x: tf.Tensor) => tf.transpose(tf.mul(x, mask).reshape([t, b])) as tf.Tensor2D; // [B, T]
      return { logp: toRows(logp), entropy: toRows(entropy), sqTerm: toRows(sqTerm) };
    });
  }

  async sample(
    prompts: readonly Prompt[],
    opts: { temperature: number; greedy?: boolean; rng: Rng },
  ): Promise<Rollout> {
    return decodeResponses(this.model, this.task, this.select, prompts, opts);
  }

  async getWeights(): Promise<TensorMap> {
    const out: TensorMap = {};
    for (let i = 0; i < this.names.length; i++) {
      const v = this.variables[i];
      out[this.names[i]] = { shape: [...v.shape], data: new Float32Array(await v.data()) };
    }
    return out;
  }

  setWeights(weights: TensorMap): void {
    checkWeights(weights, this.shapes);
    tf.tidy(() => this.names.forEach((n, i) => this.variables[i].assign(tf.tensor(weights[n].data, weights[n].shape))));
  }

  dispose(): void {
    tf.dispose([...this.variables, this.select]);
  }
}

/** Every expected weight present with its shape; no unknown ones. */
function checkWeights(weights: TensorMap, expected: Record<string, number[]>): void {
  for (const [n, shape] of Object.entries(expected)) {
    const w = weights[n];
    if (!w) throw new Error(`GPT weights: missing "${n}"`);
    const same = w.shape.length === shape.length && w.shape.every((d, i) => d === shape[i]);
    if (!same || w.data.length !== shape.reduce((a, b) => a * b, 1)) {
      throw new Error(`GPT weights: "${n}" has shape [${w.shape}], expected [${shape}]`);
    }
  }
  const unknown = Object.keys(weights).filter((n) => !(n in expected));
  if (unknown.length) throw new Error(`GPT weights: unexpected ${unknown.map((n) => `"${n}"`).join(', ')}`);
}

/** The `gpt` entry of the policy registry (engine/policies). */
export function createGptPolicy(config: RunConfig, task: Task, opts: GptPolicyOptions = {}): GptPolicy {
  if (config.policy.kind !== 'gpt') throw new Error(`policy.kind: expected "gpt", got "${config.policy.kind}"`);
  if (task.eosToken === null)
    throw new Error(`task.kind: the GPT policy needs a task with an end token, not "${task.kind}"`);
  const weights =
    opts.baseWeights ?? initialWeights(gptDims(config.policy, task), createRng(config.policy.base.seed, 'gpt/init'));
  return new GptPolicy(task, config.policy, weights, opts.fusedKernels);
}
