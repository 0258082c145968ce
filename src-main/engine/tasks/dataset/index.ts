/**
 * Verifiable problems from a file (issue 16): GSM8K- or MATH-style records turned into prompts with
 * the policy's own tokenizer and chat template, checked by the math answer checker. Held-out
 * problems come from `evalPath`, or else a seeded 1/8 of `path` (the same for every run seed).
 */
import { DATASET_PROMPTS, type TaskConfig } from '../../../contract';
import { createRng, permutation } from '../../rng';
import type { ChatMessage, Prompt, Task, TextCodec } from '../../types';
import { answersAgree, RESPONSE_ANSWER } from './answers';
import { readProblems, type Problem } from './records';

export type DatasetConfig = Extract<TaskConfig, { kind: 'dataset' }>;

/** Share of `path` held out for evaluation when there is no `evalPath`. */
const EVAL_SHARE = 1 / 8;

/** What the verifier needs from a prompt. */
interface DatasetMeta {
  answer: string;
}

/** The prompt text the model reads: the chat template around system + user messages, or plain text. */
export function promptText(config: DatasetConfig, codec: TextCodec, question: string): string {
  const user = (config.promptFormat ?? DATASET_PROMPTS[config.format]).replace('{question}', question);
  const messages: ChatMessage[] = [];
  if (config.systemPrompt !== null) messages.push({ role: 'system', content: config.systemPrompt });
  messages.push({ role: 'user', content: user });
  const chat = config.chatTemplate ? codec.chatPrompt(messages) : null;
  if (chat !== null) return chat;
  return config.systemPrompt === null ? user : `${config.systemPrompt}\n\n${user}`;
}

async function splitProblems(config: DatasetConfig): Promise<{ train: Problem[]; held: Problem[] }> {
  const all = await readProblems(config.path, config.format, 'task.path');
  if (config.evalPath !== null) {
    return { train: all, held: await readProblems(config.evalPath, config.format, 'task.evalPath') };
  }
  if (all.length < 2) throw new Error(`task.path: "${config.path}" needs at least 2 problems to hold some out`);
  const order = permutation(createRng(config.seed, 'dataset/split'), all.length);
  const evalCount = Math.max(1, Math.floor(all.length * EVAL_SHARE));
  return { held: order.slice(0, evalCount).map((i) => all[i]), train: order.slice(evalCount).map((i) => all[i]) };
}

/** The dataset task for a policy's tokenizer. */
export async function openDatasetTask(config: DatasetConfig, codec: TextCodec | undefined): Promise<Task> {
  if (!codec) throw new Error('task.kind "dataset": needs a policy with a tokenizer (policy.kind "hf")');
  const { train, held } = await splitProblems(config);
  // Chat templates already hold the BOS token; plain prompts get the tokenizer's own special tokens.
  const addSpecialTokens = !(config.chatTemplate && codec.chatPrompt([{ role: 'user', content: '' }]) !== null);
  const toPrompt = (p: Problem, split: string): Prompt => {
    const text = promptText(config, codec, p.question);
    return {
      key: `${split}:${p.index}`,
      tokens: codec.encode(text, { addSpecialTokens }),
      meta: { answer: p.answer },
      text,
    };
  };
  const trainPrompts = train.map((p) => toPrompt(p, 'train'));
  const evalSet = held.map((p) => toPrompt(p, config.evalPath === null ? 'train' : 'eval'));
  const check = RESPONSE_ANSWER[config.format];
  return {
    kind: 'dataset',
    vocab: codec.vocab,
    promptLen: Math.max(...trainPrompts.map((p) => p.tokens.length), ...evalSet.map((p) => p.tokens.length)),
    maxAnswerLen: config.maxNewTokens,
    eosToken: codec.eosToken,
    allowedTokens: Array.from({ length: codec.vocab }, (_, i) => i),
    sampleTrain(rng, n) {
      if (!Number.isInteger(n) || n < 0) throw new Error(`sampleTrain: expected a count >= 0, got ${n}`);
      return Array.from({ length: n }, () => trainPrompts[rng.int(trainPrompts.length)]);
    },
    evalPrompts: (n) => evalSet.slice(0, n),
    verify(prompt, answer) {
      const given = check(codec.decode(answer, { skipSpecialTokens: true }));
      return given !== null && answersAgree(given, (prompt.meta as DatasetMeta).answer);
    },
    reference: () => null,
    decode: (tokens) => codec.decode(tokens),
  };
}
