/**
 * The seams inside the engine: what a task, a policy and a trainer offer each other.
 * Everything here is pure training code: no SQLite, IPC or UI.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../contract';

/** A serialisable random stream (see engine/rng.ts). */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  normal(): number;
  state(): number[];
}

/** Named float tensors as plain arrays: weights, optimizer slots; what checkpoints store. */
export type TensorMap = Record<string, { shape: number[]; data: Float32Array }>;

/** One prompt of a task, tokenised. `key` identifies it (train/eval sets are disjoint by key). */
export interface Prompt {
  key: string;
  tokens: number[];
  /** Whatever the verifier needs (operands, the correct action set...). */
  meta: unknown;
  /** Human-readable prompt when `decode(tokens)` would not read well (bandit: "state 12"). */
  text?: string;
}

/** One message of a chat (the `messages` a chat template renders). */
export interface ChatMessage {
  role: string;
  content: string;
}

/**
 * A model's tokenizer as text tasks use it: a dataset task builds prompts with the policy's own
 * tokenizer and chat template (a HF policy supplies it; engine/policies/hf/tokenizer.ts).
 */
export interface TextCodec {
  /** Token ids lie in [0, vocab). */
  readonly vocab: number;
  /** The end-of-sequence token, and every token that ends a response. */
  readonly eosToken: number;
  readonly stopTokens: readonly number[];
  encode(text: string, opts?: { addSpecialTokens?: boolean }): number[];
  decode(tokens: readonly number[], opts?: { skipSpecialTokens?: boolean }): string;
  /** The chat template applied with a generation prompt; null when the tokenizer has none. */
  chatPrompt(messages: readonly ChatMessage[]): string | null;
}

export interface Task {
  readonly kind: string;
  /** Vocabulary size and the prompt/answer lengths (contract/tasks.ts). */
  readonly vocab: number;
  readonly promptLen: number;
  readonly maxAnswerLen: number;
  /** End-of-answer token, or null for single-token answers (bandit). */
  readonly eosToken: number | null;
  /**
   * Tokens the policy may emit in an answer (e.g. digits and end). The policy masks all others to
   * -inf, so entropy is measured over this support (max entropy = ln |allowed|).
   */
  readonly allowedTokens: readonly number[];
  /** Draws training prompts (never one of the eval prompts). */
  sampleTrain(rng: Rng, n: number): Prompt[];
  /** The fixed held-out set (same for every run seed): the first n of a list drawn with the task seed. */
  evalPrompts(n: number): Prompt[];
  /** Exact check of an answer (tokens up to, not including, the end token). */
  verify(prompt: Prompt, answer: readonly number[]): boolean;
  /** One correct answer, for supervised training of base models (null for bandit). */
  reference(prompt: Prompt, rng: Rng): number[] | null;
  /** Human-readable text of tokens, for samples. */
  decode(tokens: readonly number[]): string;
}

/**
 * A batch of sequences laid out for training: B rows, each a fixed-length prompt followed by a
 * response padded to T tokens. Row-major flat arrays.
 */
export interface SequenceBatch {
  size: number; // B
  promptLen: number; // Tp
  responseLen: number; // T (max response length in this batch)
  prompts: Int32Array; // [B * Tp]
  responses: Int32Array; // [B * T], padding after the end
  /** 1 on real response tokens (including the end token), 0 on padding. */
  mask: Float32Array; // [B * T]
  /**
   * Left padding of each row's prompt when prompts differ in length (the first promptPad[b] tokens
   * of row b are not part of it); absent when every prompt is Tp tokens.
   */
  promptPad?: Int32Array; // [B]
}

/** What sampling returns: responses plus pi_old's view of each sampled token. */
export interface Rollout {
  batch: SequenceBatch;
  /** log pi_old(token) at temperature T, 0 on padding. */
  logp: Float32Array; // [B * T]
  /** Exact entropy of pi_old at each response position, 0 on padding. */
  entropy: Float32Array; // [B * T]
}

/** Differentiable per-token quantities of a policy on a batch. */
export interface TokenStats {
  logp: tf.Tensor2D; // [B, T] log pi(response token)
  entropy: tf.Tensor2D; // [B, T] exact entropy of pi at each position
  /** Sum_b pi_b^2 (log pi_b + H) at each position: the PG first-order entropy term (paper.md). */
  sqTerm: tf.Tensor2D; // [B, T]
}

export interface Policy {
  readonly kind: 'tabular' | 'gpt' | 'hf';
  readonly variables: readonly tf.Variable[];
  /** Samples one response per prompt row (rows are already repeated G times). */
  sample(prompts: readonly Prompt[], opts: { temperature: number; greedy?: boolean; rng: Rng }): Promise<Rollout>;
  /** Per-token stats for a batch at a temperature; differentiable w.r.t. `variables`. */
  tokenStats(batch: SequenceBatch, temperature: number): TokenStats;
  /**
   * Exact evaluation, for policies whose output distribution can be enumerated (tabular). Without
   * it the trainer estimates the same numbers by sampling.
   */
  evaluateExactly?(prompts: readonly Prompt[], opts: { temperature: number; k: number }): Promise<Evaluation>;
  getWeights(): Promise<TensorMap>;
  setWeights(weights: TensorMap): void;
  dispose(): void;
}

/** Held-out evaluation of a policy (eval/acc, eval/pass@k, eval/entropy). */
export interface Evaluation {
  /** Greedy accuracy. */
  acc: number;
  /** Share of prompts with at least one correct answer among k samples at the rollout temperature. */
  passAtK: number;
  /** Mean token entropy at the rollout temperature. */
  entropy: number;
}

/** A training run's full state: enough to resume with every later step identical. */
export interface TrainerState {
  step: number;
  weights: TensorMap;
  optimizer: TensorMap;
  optimizerStep: number;
  rng: Record<string, number[]>;
  counters: Record<string, number>;
}

export interface StepSample {
  prompt: string;
  responses: { text: string; tokens: string[]; reward: number; advantage: number; entropies: number[] }[];
}

export interface StepResult {
  step: number;
  metrics: Record<string, number>;
  samples: StepSample[];
}

/** The trainer as the run worker drives it. */
export interface Trainer {
  readonly config: RunConfig;
  /** Backend that actually runs the math, e.g. "wasm". */
  readonly backend: string;
  /** Next step to run (0-based). */
  readonly step: number;
  /** Runs one step (rollout, rewards, advantages, updates, metrics; evaluation when due). */
  runStep(): Promise<StepResult>;
  state(): Promise<TrainerState>;
  dispose(): void;
}
