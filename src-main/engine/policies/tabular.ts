/**
 * The tabular softmax policy of the paper's analysis: one row of logits per bandit prompt,
 * pi(a | s) = softmax(z_s / T). Its parameters are the logits themselves, so the first-order
 * entropy formulas (rl/entropy.ts) hold exactly for it under SGD.
 */
import type { RunConfig } from '../../contract';
import { gather1d } from '../ops';
import { createRng } from '../rng';
import { softmaxStats } from '../rl/entropy';
import { tf } from '../tf';
import type { Evaluation, Policy, Prompt, Rng, Rollout, SequenceBatch, Task, TensorMap, TokenStats } from '../types';

type BanditConfig = Extract<RunConfig['task'], { kind: 'bandit' }>;
type TabularConfig = Extract<RunConfig['policy'], { kind: 'tabular' }>;

/** Float64 distribution softmax(z / T) of one row of the table. */
export function rowProbabilities(table: Float32Array, row: number, actions: number, temperature: number): Float64Array {
  const probs = new Float64Array(actions);
  let max = -Infinity;
  for (let a = 0; a < actions; a++) max = Math.max(max, table[row * actions + a] / temperature);
  let sum = 0;
  for (let a = 0; a < actions; a++) {
    probs[a] = Math.exp(table[row * actions + a] / temperature - max);
    sum += probs[a];
  }
  for (let a = 0; a < actions; a++) probs[a] /= sum;
  return probs;
}

function entropyOfRow(probs: Float64Array): number {
  let h = 0;
  for (const p of probs) if (p > 0) h -= p * Math.log(p);
  return h;
}

/** First action of highest probability. */
function greedyAction(probs: Float64Array): number {
  let best = 0;
  for (let a = 1; a < probs.length; a++) if (probs[a] > probs[best]) best = a;
  return best;
}

/** Inverse-CDF draw from exact probabilities. */
function sampleAction(probs: Float64Array, rng: Rng): number {
  const u = rng.next();
  let cumulative = 0;
  let last = 0;
  for (let a = 0; a < probs.length; a++) {
    if (probs[a] <= 0) continue;
    cumulative += probs[a];
    last = a;
    if (u < cumulative) return a;
  }
  return last; // u fell in the rounding gap above the final cumulative sum
}

export class TabularPolicy implements Policy {
  readonly kind = 'tabular' as const;
  readonly variables: readonly tf.Variable[];
  private readonly logits: tf.Variable; // [P, K]

  constructor(
    private readonly task: Task,
    private readonly states: number,
    private readonly actions: number,
    initial: Float32Array,
  ) {
    // Inside tidy: the variable shares its initial tensor's data, and that tensor must not outlive it.
    this.logits = tf.tidy(() => tf.variable(tf.tensor2d(initial, [states, actions]), true));
    this.variables = [this.logits];
  }

  private row(prompt: Prompt): number {
    const s = prompt.tokens[0];
    if (prompt.tokens.length !== 1 || !Number.isInteger(s) || s < 0 || s >= this.states) {
      throw new Error(`tabular policy: prompt "${prompt.key}" is not one state token in [0, ${this.states})`);
    }
    return s;
  }

  async sample(
    prompts: readonly Prompt[],
    opts: { temperature: number; greedy?: boolean; rng: Rng },
  ): Promise<Rollout> {
    const table = await this.logits.data();
    const B = prompts.length;
    const batch = emptyBatch(B);
    const logp = new Float32Array(B);
    const entropy = new Float32Array(B);
    const rows = new Map<number, { probs: Float64Array; entropy: number }>(); // prompts repeat G times
    prompts.forEach((prompt, b) => {
      const s = this.row(prompt);
      let dist = rows.get(s);
      if (!dist) {
        const probs = rowProbabilities(table as Float32Array, s, this.actions, opts.temperature);
        dist = { probs, entropy: entropyOfRow(probs) };
        rows.set(s, dist);
      }
      const a = opts.greedy ? greedyAction(dist.probs) : sampleAction(dist.probs, opts.rng);
      batch.prompts[b] = s;
      batch.responses[b] = a;
      logp[b] = Math.log(dist.probs[a]);
      entropy[b] = dist.entropy;
    });
    return { batch, logp, entropy };
  }

  /** Stats of the whole table once ([P, K], cheap), then each row's entries picked by index. */
  tokenStats(batch: SequenceBatch, temperature: number): TokenStats {
    if (batch.promptLen !== 1 || batch.responseLen !== 1) {
      throw new Error(
        `tabular policy: expected 1 prompt and 1 response token per row, got ${batch.promptLen}/${batch.responseLen}`,
      );
    }
    const B = batch.size;
    const K = this.actions;
    const flatIndex = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const [s, a] = [batch.prompts[b], batch.responses[b]];
      if (!(s >= 0 && s < this.states && a >= 0 && a < K)) {
        throw new Error(
          `tabular policy: row ${b} has state ${s} / action ${a}, outside [0, ${this.states}) x [0, ${K})`,
        );
      }
      flatIndex[b] = s * K + a;
    }
    const stats = softmaxStats(this.logits as tf.Tensor2D, temperature); // [P, K], [P], [P]
    const rows = tf.tensor1d(batch.prompts, 'int32'); // [B]
    const logp = gather1d(tf.reshape(stats.logp, [-1]) as tf.Tensor1D, tf.tensor1d(flatIndex, 'int32')); // [B]
    return {
      logp: tf.reshape(logp, [B, 1]) as tf.Tensor2D,
      entropy: tf.reshape(gather1d(stats.entropy, rows), [B, 1]) as tf.Tensor2D,
      sqTerm: tf.reshape(gather1d(stats.sqTerm, rows), [B, 1]) as tf.Tensor2D,
    };
  }

  /** Greedy accuracy, pass@k = mean(1 - (1 - p_correct)^k) and mean entropy, exactly from the table. */
  async evaluateExactly(prompts: readonly Prompt[], opts: { temperature: number; k: number }): Promise<Evaluation> {
    const table = (await this.logits.data()) as Float32Array;
    let acc = 0;
    let passAtK = 0;
    let entropy = 0;
    for (const prompt of prompts) {
      const probs = rowProbabilities(table, this.row(prompt), this.actions, opts.temperature);
      let pCorrect = 0;
      probs.forEach((p, a) => {
        if (this.task.verify(prompt, [a])) pCorrect += p;
      });
      acc += this.task.verify(prompt, [greedyAction(probs)]) ? 1 : 0;
      passAtK += 1 - (1 - pCorrect) ** opts.k;
      entropy += entropyOfRow(probs);
    }
    const n = Math.max(prompts.length, 1);
    return { acc: acc / n, passAtK: passAtK / n, entropy: entropy / n };
  }

  async getWeights(): Promise<TensorMap> {
    return { logits: { shape: [this.states, this.actions], data: new Float32Array(await this.logits.data()) } };
  }

  setWeights(weights: TensorMap): void {
    const saved = weights.logits;
    if (!saved || saved.shape.length !== 2 || saved.shape[0] !== this.states || saved.shape[1] !== this.actions) {
      throw new Error(`tabular policy: expected weights "logits" of shape [${this.states}, ${this.actions}]`);
    }
    tf.tidy(() => this.logits.assign(tf.tensor2d(saved.data, [this.states, this.actions])));
  }

  dispose(): void {
    this.logits.dispose();
  }
}

function emptyBatch(B: number): SequenceBatch {
  return {
    size: B,
    promptLen: 1,
    responseLen: 1,
    prompts: new Int32Array(B),
    responses: new Int32Array(B),
    mask: new Float32Array(B).fill(1),
  };
}

/** Logits ~ N(0, logitStd^2) from the task seed, so every run seed of an experiment starts equal. */
export function createTabularPolicy(config: RunConfig, task: Task): TabularPolicy {
  const taskConfig = config.task as BanditConfig;
  const policyConfig = config.policy as TabularConfig;
  if (taskConfig.kind !== 'bandit')
    throw new Error(`policy.kind: "tabular" needs the bandit task, got "${taskConfig.kind}"`);
  const rng = createRng(taskConfig.seed, 'tabular/init');
  const initial = new Float32Array(taskConfig.prompts * taskConfig.actions);
  for (let i = 0; i < initial.length; i++) initial[i] = policyConfig.logitStd * rng.normal();
  return new TabularPolicy(task, taskConfig.prompts, taskConfig.actions, initial);
}
