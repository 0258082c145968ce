/**
 * What the GGUF checks against transformers share (gguf.test.ts on tiny random files, smollm2.test.ts
 * on the real model): a corpus and chats for the tokenizer and chat template, cliplab's logits of one
 * row, and the largest logit difference.
 */
import type { LoadedCheckpoint } from '../../../src-main/engine/policies/hf/checkpoint';
import { HfModel } from '../../../src-main/engine/policies/hf/model';
import { ALL_KERNELS } from '../../../src-main/engine/gpt/kernels';
import { tf } from '../../../src-main/engine/tf';

/** Text the tokenizers must split alike: prose, numbers, unicode, chat markup, whitespace, contractions. */
export const CORPUS = [
  'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.',
  'Numbers: 0 7 42 123 1234 98765 1234567 3.14159 -42 +17 1,234,567.89 $3.50 12% 1e-5 007',
  'unicode: café naïve Übermaß 日本語の数学 Ελληνικά 😀🚀 — … ½ € Å Ω',
  '<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n4<|im_end|>',
  '  leading spaces,   runs   of spaces,\n\n\ttabs\tand\r\nnewlines  ',
  "It's they're we've I'm you'll he'd DON'T \\boxed{\\frac{3}{4}} #### 72",
];

/** Chats the chat templates must render alike: a user turn, and a system turn before it. */
export const CHATS = [
  [{ role: 'user', content: 'Tom has 3 apples and buys 14 more. How many?' }],
  [
    { role: 'system', content: 'Answer with a number.' },
    { role: 'user', content: 'What is 12 * 12?' },
  ],
];

/** cliplab's logits of one unpadded row, [T][V]. */
export async function ourLogits(ckpt: LoadedCheckpoint, row: number[]): Promise<number[][]> {
  const model = new HfModel(ckpt.spec, ALL_KERNELS[1], ckpt.weights, null);
  const logits = tf.tidy(() =>
    model.logits(model.forward({ tokens: Int32Array.from(row), batch: 1, pads: null }, null).hidden),
  );
  const out = (await logits.array()) as number[][];
  logits.dispose();
  return out;
}

export const maxAbsDiff = (a: number[][], b: number[][]) =>
  Math.max(...a.map((row, t) => Math.max(...row.map((x, v) => Math.abs(x - b[t][v])))));
