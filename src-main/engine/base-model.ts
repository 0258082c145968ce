/**
 * Base models: the starting policy of a GPT run, made by supervised next-token training on the
 * task's reference answers. Label noise (a share of answers with one digit replaced) keeps real
 * entropy in the model, and training stops as soon as greedy held-out accuracy reaches a target,
 * so the base starts partly correct (research/calibration.md: greedy ~0.5, ~0.75 nats).
 *
 * Everything comes from `policy.base.seed`, never the run seed: every run of a comparison starts
 * from the same weights, which the lab stores under `baseModelKey(config)` and reuses.
 */
import { configHash, optimSchema, type RunConfig } from '../contract';
import { backendOptionsFor, selectBackend, type BackendInfo } from './backend';
import { createGptPolicy, gptDims, type GptPolicy } from './gpt';
import { createOptimizer, type Optimizer } from './optim';
import { createRng } from './rng';
import { createTask } from './tasks';
import { answerTokens } from './trainer/batch';
import { tf } from './tf';
import type { Prompt, Rng, SequenceBatch, Task, TensorMap } from './types';

/** Bump when the training recipe below changes, so stored base models are not reused across it. */
const RECIPE_VERSION = 1;
/** Greedy held-out accuracy is checked this often (and at the end). */
const EVAL_EVERY = 50;
/** Held-out prompts for the stopping check and the final numbers. */
const EVAL_PROMPTS = 256;

export interface BaseModelProgress {
  step: number;
  steps: number;
  loss: number;
  /** Greedy held-out accuracy, on steps where it was measured. */
  evalAcc?: number;
}

export interface BaseModelOptions {
  onProgress?(p: BaseModelProgress): void;
  /** Polled every step; true ends training early with the weights reached so far. */
  shouldStop?(): boolean;
  /** A backend already made current (else `config.backend` is selected). */
  backend?: BackendInfo;
}

export interface BaseModelInfo {
  /** Optimizer steps taken. */
  steps: number;
  /** Training loss (token-mean cross-entropy on noisy labels) of the last step. */
  finalLoss: number;
  /** Greedy accuracy on held-out prompts. */
  evalAcc: number;
  /** Accuracy of one sample per held-out prompt at temperature 1. */
  sampledAcc: number;
  /** Mean exact entropy (nats) of answer tokens sampled at temperature 1. */
  entropy: number;
  /** Backend detail string, e.g. "wasm (XNNPACK, SIMD, 1 thread per process)". */
  backend: string;
  /** Why training ended. */
  stoppedBy: 'target' | 'steps' | 'cancelled';
  seconds: number;
}

/** Exactly what determines a base model's weights (and nothing of the RL run). */
export function baseModelSpec(config: RunConfig) {
  if (config.policy.kind !== 'gpt' || config.task.kind === 'bandit') {
    throw new Error('policy.kind: base models exist for the "gpt" policy on a sequence task');
  }
  const { dModel, layers, heads, context } = gptDims(config.policy, createTask(config.task));
  return {
    recipe: RECIPE_VERSION,
    task: config.task,
    model: { dModel, layers, heads, context },
    base: config.policy.base,
  };
}

/** Stable key of a base model: equal for every config that would train the same weights. */
export function baseModelKey(config: RunConfig): string {
  return configHash(baseModelSpec(config));
}

/** The reference answer plus the end token; with probability `noise` one answer digit is replaced by another. */
export function noisyTarget(task: Task, prompt: Prompt, noise: number, rng: Rng): number[] {
  const answer = task.reference(prompt, rng);
  if (!answer) throw new Error(`task.kind: "${task.kind}" has no reference answers to train a base model on`);
  if (rng.next() < noise && answer.length > 0) {
    const i = rng.int(answer.length);
    const digits = task.allowedTokens.filter((t) => t !== task.eosToken);
    const at = digits.indexOf(answer[i]); // another digit, uniformly
    answer[i] = digits[(at + 1 + rng.int(digits.length - 1)) % digits.length];
  }
  return [...answer, task.eosToken as number];
}

function supervisedBatch(task: Task, prompts: readonly Prompt[], targets: number[][]): SequenceBatch {
  const b = prompts.length;
  const t = Math.max(...targets.map((x) => x.length));
  const batch: SequenceBatch = {
    size: b,
    promptLen: task.promptLen,
    responseLen: t,
    prompts: new Int32Array(b * task.promptLen),
    responses: new Int32Array(b * t),
    mask: new Float32Array(b * t),
  };
  prompts.forEach((p, row) => batch.prompts.set(p.tokens, row * task.promptLen));
  targets.forEach((x, row) => {
    batch.responses.set(x, row * t);
    batch.mask.fill(1, row * t, row * t + x.length);
  });
  return batch;
}

/** Accuracy of one response per prompt, and the mean exact entropy of its answer tokens. */
async function heldOutAccuracy(policy: GptPolicy, task: Task, prompts: readonly Prompt[], greedy: boolean, rng: Rng) {
  const r = await policy.sample(prompts, { temperature: 1, greedy, rng });
  const correct = prompts.filter((p, row) => task.verify(p, answerTokens(r.batch, row, task.eosToken))).length;
  const tokens = r.batch.mask.reduce((a, b) => a + b, 0);
  return { acc: correct / prompts.length, entropy: tokens > 0 ? r.entropy.reduce((a, b) => a + b, 0) / tokens : 0 };
}

/** Greedy and sampled (temperature 1) held-out accuracy, and the sampled answer tokens' mean entropy. */
export async function evaluateBase(policy: GptPolicy, task: Task, prompts: readonly Prompt[], rng: Rng) {
  const greedy = await heldOutAccuracy(policy, task, prompts, true, rng);
  const sampled = await heldOutAccuracy(policy, task, prompts, false, rng);
  return { evalAcc: greedy.acc, sampledAcc: sampled.acc, entropy: sampled.entropy };
}

/** One Adam step on a supervised batch; returns the loss tensor (token-mean cross-entropy). */
function supervisedStep(policy: GptPolicy, optimizer: Optimizer, batch: SequenceBatch): tf.Scalar {
  return tf.tidy(() => {
    const variables = policy.variables as tf.Variable[];
    const tokens = batch.mask.reduce((a, b) => a + b, 0);
    const { value, grads } = tf.variableGrads(
      () => tf.div(tf.neg(tf.sum(policy.tokenStats(batch, 1).logp)), tokens) as tf.Scalar,
      variables,
    );
    optimizer.apply(variables.map((v) => grads[v.name]));
    return value;
  });
}

type GptBase = Extract<RunConfig['policy'], { kind: 'gpt' }>['base'];

interface Supervised {
  base: GptBase;
  task: Task;
  policy: GptPolicy;
  optimizer: Optimizer;
  heldOut: Prompt[];
}

/** Steps until the step budget, the target accuracy or a stop request; returns where it ended. */
async function supervisedLoop({ base, task, policy, optimizer, heldOut }: Supervised, opts: BaseModelOptions) {
  const rng = { prompts: createRng(base.seed, 'base/prompts'), labels: createRng(base.seed, 'base/labels') };
  let step = 0;
  let loss = NaN;
  while (step < base.steps) {
    if (opts.shouldStop?.()) return { step, loss, stoppedBy: 'cancelled' as const };
    const prompts = task.sampleTrain(rng.prompts, base.batchSize);
    const targets = prompts.map((p) => noisyTarget(task, p, base.labelNoise, rng.labels));
    const lossT = supervisedStep(policy, optimizer, supervisedBatch(task, prompts, targets));
    loss = (await lossT.data())[0];
    lossT.dispose();
    step++;
    const progress: BaseModelProgress = { step, steps: base.steps, loss };
    if (step % EVAL_EVERY === 0 || step === base.steps) {
      // Greedy decoding draws nothing from its stream.
      progress.evalAcc = (await heldOutAccuracy(policy, task, heldOut, true, createRng(base.seed, 'base/eval'))).acc;
    }
    opts.onProgress?.(progress);
    if (base.targetAcc !== null && progress.evalAcc !== undefined && progress.evalAcc >= base.targetAcc) {
      return { step, loss, stoppedBy: 'target' as const };
    }
  }
  return { step, loss, stoppedBy: 'steps' as const };
}

/**
 * Trains the base model of `config` (a GPT on a sequence task) from `policy.base`. Resolves with its
 * weights and how it turned out.
 */
export async function trainBaseModel(
  config: RunConfig,
  opts: BaseModelOptions = {},
): Promise<{ weights: TensorMap; info: BaseModelInfo }> {
  baseModelSpec(config); // validates the kind of policy and task
  const started = performance.now();
  const backend = opts.backend ?? (await selectBackend(config.backend, backendOptionsFor(config, config.threads ?? 1)));
  const base = (config.policy as Extract<RunConfig['policy'], { kind: 'gpt' }>).base;
  const task = createTask(config.task);
  const policy = createGptPolicy(config, task);
  const adam = optimSchema.parse({ optimizer: 'adam', lr: base.lr, gradClip: null });
  const optimizer = createOptimizer(adam, policy.variables);
  const heldOut = task.evalPrompts(EVAL_PROMPTS);
  try {
    const end = await supervisedLoop({ base, task, policy, optimizer, heldOut }, opts);
    const final = await evaluateBase(policy, task, heldOut, createRng(base.seed, 'base/eval'));
    const info = { steps: end.step, finalLoss: end.loss, ...final, backend: backend.detail, stoppedBy: end.stoppedBy };
    return { weights: await policy.getWeights(), info: { ...info, seconds: (performance.now() - started) / 1000 } };
  } finally {
    optimizer.dispose();
    policy.dispose();
  }
}
