/**
 * The contextual bandit of the paper's tabular analysis: P prompts (states) x K actions. A prompt
 * is one token, its index; a response is one action token, with no end token. Each prompt has
 * `correct` right actions, drawn with the task seed so every run seed of an experiment shares them.
 *
 * Train and eval sets are both all prompts: a tabular policy has one independent softmax per
 * prompt and cannot generalise to a prompt it never saw, so a held-out split would measure nothing.
 */
import type { TaskConfig } from '../../contract';
import { createRng, permutation } from '../rng';
import type { Prompt, Rng, Task } from '../types';

export type BanditConfig = Extract<TaskConfig, { kind: 'bandit' }>;

export interface BanditMeta {
  index: number;
  correct: readonly number[];
}

/** `correct` distinct actions per prompt (partial Fisher-Yates), from the task seed. */
function drawCorrectActions(config: BanditConfig): number[][] {
  const rng = createRng(config.seed, 'bandit/correct');
  return Array.from({ length: config.prompts }, () => permutation(rng, config.actions).slice(0, config.correct));
}

export function createBanditTask(config: BanditConfig): Task {
  if (config.correct >= config.actions) {
    throw new Error(`task.correct: expected fewer correct actions than actions (${config.actions})`);
  }
  const correct = drawCorrectActions(config);
  const prompts: Prompt[] = correct.map((actions, index) => ({
    key: `s${index}`,
    tokens: [index],
    text: `state ${index}`,
    meta: { index, correct: actions } satisfies BanditMeta,
  }));
  const actions = Array.from({ length: config.actions }, (_, a) => a);
  return {
    kind: 'bandit',
    vocab: Math.max(config.prompts, config.actions),
    promptLen: 1,
    maxAnswerLen: 1,
    eosToken: null,
    allowedTokens: actions,
    sampleTrain: (rng: Rng, n: number) => sampleWithoutReplacement(prompts, rng, n),
    evalPrompts: (n: number) => prompts.slice(0, Math.min(n, prompts.length)),
    verify: (prompt: Prompt, answer: readonly number[]) =>
      answer.length === 1 && (prompt.meta as BanditMeta).correct.includes(answer[0]),
    reference: () => null,
    decode: (tokens: readonly number[]) => tokens.map((t) => `a${t}`).join(' '),
  };
}

/**
 * n prompts in random order, each prompt at most once per pass: n <= P gives distinct prompts,
 * larger n takes whole shuffled passes and then a partial one.
 */
function sampleWithoutReplacement(prompts: readonly Prompt[], rng: Rng, n: number): Prompt[] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`sampleTrain: expected a count >= 0, got ${n}`);
  const out: Prompt[] = [];
  while (out.length < n) {
    const order = permutation(rng, prompts.length);
    for (const i of order.slice(0, n - out.length)) out.push(prompts[i]);
  }
  return out;
}
