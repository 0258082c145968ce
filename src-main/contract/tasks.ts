/**
 * Static shape of every task: vocabulary, prompt and answer lengths. Pure data shared by the config
 * schema (to reject policies too small for a task), the engine (to build tokenizers and models) and
 * the UI (to describe a task). The generators and verifiers live in `engine/tasks`.
 */

/** Characters used by the sequence tasks. Index = token id. */
export const SEQUENCE_VOCAB = [
  '<pad>',
  '<eos>',
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  '+',
  '=',
  ',',
  '%',
  '>',
  '|',
  ':',
  '*',
] as const;

export type SequenceTaskKind = 'add' | 'sort' | 'reverse' | 'mod' | 'divisor';
export type TaskKind = 'bandit' | SequenceTaskKind;

export interface SequenceTaskParams {
  kind: SequenceTaskKind;
  /** add: digits per operand; sort/reverse: list length; mod: digits of the operands; divisor: digits of n. */
  size: number;
}

export interface TaskShape {
  /** Tokens in the vocabulary. */
  vocab: number;
  /** Prompt length in tokens (fixed per task setting). */
  promptLen: number;
  /** Longest answer in tokens, including the end token. */
  maxAnswerLen: number;
}

/** Context a GPT needs for a task: the whole prompt plus the longest answer. */
export function requiredContext(shape: TaskShape): number {
  return shape.promptLen + shape.maxAnswerLen;
}

/**
 * Shape of a sequence task. Prompts are fixed-length so that a batch needs no padding; every answer
 * is followed by the end token, and `maxAnswerLen` (end token included) is one more than the
 * longest correct answer, so a response cut at that length without an end token is wrong.
 *  add      `a+b=`           a, b with `size` digits (zero-padded); answer: the sum, up to size+1 digits.
 *  sort     `dddd>`          `size` digits; answer: the digits in ascending order (exactly size digits).
 *  reverse  `dddd|`          `size` digits; answer: the digits reversed (exactly size digits).
 *  mod      `a*b%m=`         size-digit a, b (zero-padded) and a modulus m in 10..99; answer: (a*b) mod m.
 *  divisor  `n:`             a composite n with exactly `size` digits; answer: any divisor d with 1 < d < n
 *                            (several correct answers, so exploration matters).
 * Numeric answers (add, mod, divisor) are numerals without leading zeros: `0579` is wrong for 579.
 */
export function sequenceTaskShape(task: SequenceTaskParams): TaskShape {
  const vocab = SEQUENCE_VOCAB.length;
  const n = task.size;
  switch (task.kind) {
    case 'add':
      return { vocab, promptLen: 2 * n + 2, maxAnswerLen: n + 2 };
    case 'sort':
    case 'reverse':
      return { vocab, promptLen: n + 1, maxAnswerLen: n + 1 };
    case 'mod':
      return { vocab, promptLen: 2 * n + 5, maxAnswerLen: 3 };
    case 'divisor':
      return { vocab, promptLen: n + 1, maxAnswerLen: n + 1 };
  }
}
