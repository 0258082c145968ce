/**
 * What the GPT benchmark times: an optimizer update (forward, backward, Adam) and a KV-cache
 * sampling batch, on two sizes: the default model on a realistic RL minibatch, and
 * research/toolchain.md's reference GPT (vocab 32, context 48, d 128, 4 heads, 2 layers, 64 x 48).
 */
import { runConfigSchema, type RunConfig } from '../src-main/contract';
import { createGptPolicy, type GptPolicy } from '../src-main/engine/gpt';
import type { GptKernels } from '../src-main/engine/gpt/kernels';
import { GptModel, initialWeights, type GptDims } from '../src-main/engine/gpt/model';
import { referenceLogits } from '../src-main/engine/gpt/reference';
import { createOptimizer, type Optimizer } from '../src-main/engine/optim';
import { createRng } from '../src-main/engine/rng';
import { createTask } from '../src-main/engine/tasks';
import { tf } from '../src-main/engine/tf';
import type { Prompt, SequenceBatch, Task } from '../src-main/engine/types';

export interface Workload {
  label: string;
  config: RunConfig;
  task: Task;
  /** Rows of one update's minibatch. */
  updateRows: number;
  /** A sampling batch: distinct prompts, each repeated `group` times (a rollout's groups). */
  samplePrompts: number;
  group: number;
}

/** The contract defaults: what a user gets without touching a setting. */
export function defaultWorkload(): Workload {
  const config = runConfigSchema.parse({});
  const rollout = config.rollout.prompts * config.rollout.groupSize;
  return {
    label: `default GPT (d ${dimsOf(config).dModel}, ${config.task.kind} size ${(config.task as { size: number }).size})`,
    config,
    task: createTask(config.task),
    updateRows: Math.ceil(rollout / config.optim.minibatches),
    samplePrompts: config.rollout.prompts,
    group: config.rollout.groupSize,
  };
}

/**
 * toolchain.md's reference GPT as a task over 32 tokens: `promptLen` random tokens, then exactly
 * `answerLen` answer tokens (the end token 0 is never allowed, so no row stops early). The update
 * uses a 1-token prompt and 48 answer tokens: 48 trained positions, a 64 x 48 language-model step;
 * sampling uses 16 prompt tokens and 32 new ones.
 */
export function referenceWorkload(promptLen: number, answerLen: number): Workload {
  const config = runConfigSchema.parse({
    task: { kind: 'add', size: 3 },
    policy: { kind: 'gpt', dModel: 128, layers: 2, heads: 4, context: Math.max(48, promptLen + answerLen) },
  });
  const rng = createRng(1, 'bench/reference');
  const prompt = (): Prompt => ({ key: 'r', tokens: Array.from({ length: promptLen }, () => rng.int(32)), meta: null });
  const task: Task = {
    kind: 'lm',
    vocab: 32,
    promptLen,
    maxAnswerLen: answerLen,
    eosToken: 0,
    allowedTokens: Array.from({ length: 31 }, (_, i) => i + 1),
    sampleTrain: (_rng, n) => Array.from({ length: n }, prompt),
    evalPrompts: (n) => Array.from({ length: n }, prompt),
    verify: () => false,
    reference: () => null,
    decode: (tokens) => tokens.join(' '),
  };
  const label = 'reference GPT (d 128, 4 heads, 2 layers, vocab 32)';
  return { label, config, task, updateRows: 64, samplePrompts: 64, group: 1 };
}

export function dimsOf(config: RunConfig, task?: Task): GptDims {
  const p = config.policy as Extract<RunConfig['policy'], { kind: 'gpt' }>;
  const t = task ?? createTask(config.task);
  return {
    vocab: t.vocab,
    context: p.context ?? t.promptLen + t.maxAnswerLen,
    dModel: p.dModel,
    layers: p.layers,
    heads: p.heads,
  };
}

/** A full-length minibatch (every row answers with maxAnswerLen tokens), the costliest an update sees. */
export function fullBatch(w: Workload, rows: number): SequenceBatch {
  const rng = createRng(2, 'bench/batch');
  const { promptLen: tp, maxAnswerLen: t, allowedTokens } = w.task;
  const prompts = w.task.sampleTrain(rng, rows);
  const batch: SequenceBatch = {
    size: rows,
    promptLen: tp,
    responseLen: t,
    prompts: new Int32Array(rows * tp),
    responses: new Int32Array(rows * t).map(() => allowedTokens[rng.int(allowedTokens.length)]),
    mask: new Float32Array(rows * t).fill(1),
  };
  prompts.forEach((p, i) => batch.prompts.set(p.tokens, i * tp));
  return batch;
}

/**
 * Matmul FLOPs one update performs (forward 2mnk per matmul, backward twice that; the embedding's
 * input needs no gradient). N = rows x positions; attention is causal but computed dense. The last
 * block computes queries, attention output and MLP only for the `predicted` positions.
 */
export function updateFlops(
  dims: GptDims,
  rows: number,
  positions: number,
  predicted: number,
  outputs: number,
): number {
  const { dModel: d, layers, vocab, context } = dims;
  const n = rows * positions;
  const nq = rows * predicted;
  const block = (q: number) => 4 * n * d * d + 20 * q * rows * d * d + 4 * rows * q * positions * d;
  const forward = (layers - 1) * block(positions) + block(predicted) + 2 * nq * d * outputs;
  return 3 * forward + 2 * (2 * n * (vocab + context) * d);
}

export interface Trainable {
  variables: tf.Variable[];
  loss(batch: SequenceBatch): tf.Scalar;
  dispose(): void;
}

/** The policy itself: the path the trainer takes (tokenStats, token-mean log-likelihood). */
export function policyTrainable(w: Workload, fusedKernels = true): Trainable & { policy: GptPolicy } {
  const policy = createGptPolicy(w.config, w.task, { fusedKernels });
  const loss = (batch: SequenceBatch) => {
    const tokens = batch.mask.reduce((a, b) => a + b, 0);
    return tf.div(tf.neg(tf.sum(policy.tokenStats(batch, 1).logp)), tokens) as tf.Scalar;
  };
  return { policy, variables: policy.variables as tf.Variable[], loss, dispose: () => policy.dispose() };
}

function modelVariables(dims: GptDims): Record<string, tf.Variable> {
  const init = initialWeights(dims, createRng(1, 'bench/init'));
  return tf.tidy(() =>
    Object.fromEntries(Object.entries(init).map(([n, w]) => [n, tf.variable(tf.tensor(w.data, w.shape))])),
  );
}

const selectAll = (w: Workload) =>
  tf.oneHot(tf.tensor1d(w.task.allowedTokens as number[], 'int32'), w.task.vocab).transpose() as tf.Tensor2D;

/** The fast layout with a chosen kernel set (to compare attention cores on one backend). */
export function kernelTrainable(w: Workload, kernels: GptKernels): Trainable {
  const dims = dimsOf(w.config, w.task);
  const vars = modelVariables(dims);
  const model = new GptModel(dims, kernels, vars);
  const select = selectAll(w);
  const loss = (batch: SequenceBatch) => {
    const tokens = new Int32Array((batch.promptLen + batch.responseLen - 1) * batch.size);
    const positions = tokens.length / batch.size;
    const logits = model.logits(model.hidden(tokens, positions, batch.size), select);
    return tf.neg(tf.mean(tf.max(tf.logSoftmax(logits), -1))) as tf.Scalar;
  };
  return { variables: Object.values(vars), loss, dispose: () => tf.dispose([...Object.values(vars), select]) };
}

/** The textbook layout (batch-major, autodiff): the baseline the fast layout is measured against. */
export function plainTrainable(w: Workload): Trainable {
  const dims = dimsOf(w.config, w.task);
  const vars = modelVariables(dims);
  const select = selectAll(w);
  const loss = (batch: SequenceBatch) => {
    const t = batch.promptLen + batch.responseLen - 1;
    const tokens = tf.zeros([batch.size, t], 'int32') as tf.Tensor2D;
    return tf.neg(tf.mean(tf.max(tf.logSoftmax(referenceLogits(dims, vars, tokens, select)), -1))) as tf.Scalar;
  };
  return { variables: Object.values(vars), loss, dispose: () => tf.dispose([...Object.values(vars), select]) };
}

export function adamFor(config: RunConfig, variables: tf.Variable[]): Optimizer {
  return createOptimizer(config.optim, variables);
}

/** One update: gradients of the loss, then Adam (with the run's gradient clipping). */
export async function update(t: Trainable, optimizer: Optimizer, batch: SequenceBatch): Promise<void> {
  const loss = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => t.loss(batch), t.variables);
    optimizer.apply(t.variables.map((v) => grads[v.name]));
    return value;
  });
  await loss.data();
  loss.dispose();
}
