/**
 * Sequence tasks: a fixed-length character prompt (`375+452=`), an answer of digits, then the end
 * token. Tokens are characters of contract/tasks.ts `SEQUENCE_VOCAB`; a policy may emit only digits
 * and the end token (`allowedTokens`), so the maximum entropy is ln 11.
 *
 * Answers are checked exactly on the tokens before the end token. A response cut at the maximum
 * length without an end token arrives whole, and `maxAnswerLen` is one more than the longest
 * correct answer, so it is always too long: a missing end token is wrong.
 *
 * Held-out prompts: every problem is assigned to eval or train by the task seed alone, so every run
 * seed is evaluated on the same prompts and trains (and its base model trains) only on the others.
 * Small problem spaces are enumerated and split exactly; large ones are split by a seeded hash.
 */
import { SEQUENCE_VOCAB, sequenceTaskShape, type SequenceTaskKind, type TaskConfig } from '../../contract';
import { createRng, permutation } from '../rng';
import type { Prompt, Rng, Task } from '../types';

export type SequenceConfig = Exclude<TaskConfig, { kind: 'bandit' | 'dataset' }>;

/** One task family: how to enumerate, show, check and solve its problems. */
export interface ProblemFamily<M> {
  kind: SequenceTaskKind;
  /** Number of problem indices for this size (some may be invalid, e.g. primes for `divisor`). */
  space(size: number): number;
  /** The problem at an index in [0, space), or null when that index is not a valid problem. */
  problem(index: number, size: number): M | null;
  /** Prompt text, exactly `promptLen` characters (contract/tasks.ts). */
  prompt(problem: M, size: number): string;
  /** Is `answer` (digit characters, no end token) correct? */
  check(problem: M, answer: string, size: number): boolean;
  /** One correct answer; tasks with several draw one with `rng`. */
  solve(problem: M, rng: Rng, size: number): string;
}

export const PAD_TOKEN = SEQUENCE_VOCAB.indexOf('<pad>');
export const EOS_TOKEN = SEQUENCE_VOCAB.indexOf('<eos>');
const DIGIT_TOKENS = Array.from({ length: 10 }, (_, d) => SEQUENCE_VOCAB.indexOf(String(d) as '0'));
const TOKEN_OF = new Map<string, number>(SEQUENCE_VOCAB.map((c, i) => [c, i]));

/** Share of problems held out for evaluation. */
const EVAL_SHARE = 1 / 8;
/** Problem spaces up to this size are enumerated and split exactly. */
const ENUMERATE_LIMIT = 1 << 16;
/** Draws allowed per requested eval prompt before concluding the eval split is exhausted. */
const EVAL_DRAWS_PER_PROMPT = 64;

export function encode(text: string): number[] {
  return Array.from(text, (c) => {
    const t = TOKEN_OF.get(c);
    if (t === undefined) throw new Error(`character "${c}" is not in the sequence vocabulary`);
    return t;
  });
}

export function decode(tokens: readonly number[]): string {
  return tokens.map((t) => (t === PAD_TOKEN ? '' : (SEQUENCE_VOCAB[t] ?? `<${t}?>`))).join('');
}

/** The digits of an answer, or null if any token is not a digit (end, pad, operators). */
export function answerDigits(answer: readonly number[]): string | null {
  let out = '';
  for (const t of answer) {
    const d = DIGIT_TOKENS.indexOf(t);
    if (d < 0) return null;
    out += String(d);
  }
  return out;
}

/** A decimal numeral without leading zeros ("0" itself is fine): the form numeric answers must take. */
export function isCanonicalNumber(text: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(text);
}

/** 32-bit hash of (seed, text): FNV-1a over the text, then a murmur3 finaliser mixed with the seed. */
function seededHash(seed: number, text: string): number {
  let h = 0x811c9dc5 ^ Math.imul(seed, 0x9e3779b1);
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

interface Split<M> {
  /** The first n held-out problems (fewer if the split has fewer). */
  evalProblems(n: number): M[];
  drawTrain(rng: Rng): M;
}

function enumeratedSplit<M>(family: ProblemFamily<M>, config: SequenceConfig): Split<M> {
  const all: M[] = [];
  for (let i = 0; i < family.space(config.size); i++) {
    const p = family.problem(i, config.size);
    if (p !== null) all.push(p);
  }
  if (all.length < 2) throw new Error(`task.size: ${config.size} leaves ${config.kind} fewer than 2 problems`);
  const order = permutation(createRng(config.seed, `${config.kind}/split`), all.length);
  const evalCount = Math.max(1, Math.floor(all.length * EVAL_SHARE));
  const held = order.slice(0, evalCount).map((i) => all[i]);
  const train = order.slice(evalCount).map((i) => all[i]);
  return {
    evalProblems: (n) => held.slice(0, n),
    drawTrain: (rng) => train[rng.int(train.length)],
  };
}

function hashedSplit<M>(family: ProblemFamily<M>, config: SequenceConfig): Split<M> {
  const space = family.space(config.size);
  const threshold = EVAL_SHARE * 2 ** 32;
  const keyOf = (p: M) => family.prompt(p, config.size);
  const isEval = (p: M) => seededHash(config.seed, keyOf(p)) < threshold;
  const draw = (rng: Rng): M => {
    for (;;) {
      const p = family.problem(rng.int(space), config.size);
      if (p !== null) return p;
    }
  };
  const evalRng = createRng(config.seed, `${config.kind}/eval`);
  const held: M[] = [];
  const seen = new Set<string>();
  return {
    evalProblems(n) {
      for (let draws = 0; held.length < n && draws < EVAL_DRAWS_PER_PROMPT * n; draws++) {
        const p = draw(evalRng);
        if (isEval(p) && !seen.has(keyOf(p))) {
          seen.add(keyOf(p));
          held.push(p);
        }
      }
      return held.slice(0, n);
    },
    drawTrain(rng) {
      for (;;) {
        const p = draw(rng);
        if (!isEval(p)) return p;
      }
    },
  };
}

export function createSequenceTask<M>(family: ProblemFamily<M>, config: SequenceConfig): Task {
  if (config.kind !== family.kind) throw new Error(`task.kind: expected "${family.kind}", got "${config.kind}"`);
  const shape = sequenceTaskShape(config);
  const split =
    family.space(config.size) <= ENUMERATE_LIMIT ? enumeratedSplit(family, config) : hashedSplit(family, config);
  const toPrompt = (problem: M): Prompt => {
    const text = family.prompt(problem, config.size);
    const tokens = encode(text);
    if (tokens.length !== shape.promptLen) {
      throw new Error(`${config.kind}: prompt "${text}" has ${tokens.length} tokens, expected ${shape.promptLen}`);
    }
    return { key: text, tokens, meta: problem, text };
  };
  return {
    kind: config.kind,
    vocab: shape.vocab,
    promptLen: shape.promptLen,
    maxAnswerLen: shape.maxAnswerLen,
    eosToken: EOS_TOKEN,
    allowedTokens: [...DIGIT_TOKENS, EOS_TOKEN],
    sampleTrain(rng, n) {
      if (!Number.isInteger(n) || n < 0) throw new Error(`sampleTrain: expected a count >= 0, got ${n}`);
      return Array.from({ length: n }, () => toPrompt(split.drawTrain(rng)));
    },
    evalPrompts: (n) => split.evalProblems(n).map(toPrompt),
    verify(prompt, answer) {
      const digits = answerDigits(answer);
      return (
        digits !== null && digits.length < shape.maxAnswerLen && family.check(prompt.meta as M, digits, config.size)
      );
    },
    reference: (prompt, rng) => encode(family.solve(prompt.meta as M, rng, config.size)),
    decode,
  };
}
