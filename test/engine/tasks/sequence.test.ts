import { describe, expect, it } from 'vitest';
import { SEQUENCE_VOCAB, sequenceTaskShape, type SequenceTaskKind } from '../../../src-main/contract';
import { createRng } from '../../../src-main/engine/rng';
import { createTask } from '../../../src-main/engine/tasks';
import { addFamily, divisorFamily, factorise, modFamily } from '../../../src-main/engine/tasks/arithmetic';
import { reverseFamily, sortFamily } from '../../../src-main/engine/tasks/digits';
import { decode, encode, EOS_TOKEN, type ProblemFamily } from '../../../src-main/engine/tasks/sequence';
import type { Prompt, Task } from '../../../src-main/engine/types';

const KINDS: SequenceTaskKind[] = ['add', 'sort', 'reverse', 'mod', 'divisor'];

function prompt<M>(family: ProblemFamily<M>, problem: M, size: number): Prompt {
  const text = family.prompt(problem, size);
  return { key: text, tokens: encode(text), meta: problem, text };
}

/** Verifies an answer given as text; `$` stands for the end token. */
function verifies(task: Task, p: Prompt, answer: string): boolean {
  return task.verify(
    p,
    Array.from(answer, (c) => (c === '$' ? EOS_TOKEN : encode(c)[0])),
  );
}

describe('sequence task verifiers', () => {
  it('add: the sum as a numeral without leading zeros, before the end token', () => {
    const task = createTask({ kind: 'add', size: 3, seed: 7 });
    const p = prompt(addFamily, { a: 375, b: 452 }, 3);
    expect(p.text).toBe('375+452=');
    expect(verifies(task, p, '827')).toBe(true);
    expect(verifies(task, p, '0827')).toBe(false); // leading zero
    expect(verifies(task, p, '828')).toBe(false);
    expect(verifies(task, p, '82')).toBe(false); // wrong length
    expect(verifies(task, p, '')).toBe(false);
    expect(verifies(task, p, '827$')).toBe(false); // the end token is not part of the answer
    expect(verifies(task, p, '82700')).toBe(false); // cut at max length: no end token
    const zero = prompt(addFamily, { a: 0, b: 0 }, 3);
    expect(zero.text).toBe('000+000=');
    expect(verifies(task, zero, '0')).toBe(true);
    expect(verifies(task, zero, '00')).toBe(false);
    expect(verifies(task, prompt(addFamily, { a: 999, b: 999 }, 3), '1998')).toBe(true);
  });

  it('sort and reverse: exactly size digits, where leading zeros are list elements', () => {
    const sort = createTask({ kind: 'sort', size: 4, seed: 7 });
    const p = prompt(sortFamily, { digits: '3021' }, 4);
    expect(p.text).toBe('3021>');
    expect(verifies(sort, p, '0123')).toBe(true);
    expect(verifies(sort, p, '123')).toBe(false);
    expect(verifies(sort, p, '01233')).toBe(false);
    expect(verifies(sort, p, '3210')).toBe(false);
    const reverse = createTask({ kind: 'reverse', size: 4, seed: 7 });
    const r = prompt(reverseFamily, { digits: '3021' }, 4);
    expect(r.text).toBe('3021|');
    expect(verifies(reverse, r, '1203')).toBe(true);
    expect(verifies(reverse, r, '0123')).toBe(false);
  });

  it('mod: (a * b) mod m as a numeral', () => {
    const task = createTask({ kind: 'mod', size: 3, seed: 7 });
    const p = prompt(modFamily, { a: 12, b: 34, m: 17 }, 3); // 408 = 24 * 17
    expect(p.text).toBe('012*034%17=');
    expect(verifies(task, p, '0')).toBe(true);
    expect(verifies(task, p, '00')).toBe(false);
    const q = prompt(modFamily, { a: 999, b: 998, m: 97 }, 3);
    expect(verifies(task, q, String((999 * 998) % 97))).toBe(true);
    expect(verifies(task, q, String(((999 * 998) % 97) + 1))).toBe(false);
  });

  it('divisor: any d with 1 < d < n dividing n', () => {
    const task = createTask({ kind: 'divisor', size: 2, seed: 7 });
    const p = prompt(divisorFamily, { n: 12, factors: factorise(12) }, 2);
    expect(p.text).toBe('12:');
    for (const d of ['2', '3', '4', '6']) expect(verifies(task, p, d)).toBe(true);
    for (const d of ['1', '12', '5', '02', '24', '']) expect(verifies(task, p, d)).toBe(false);
  });

  it('rejects operator, pad and end tokens inside an answer', () => {
    const task = createTask({ kind: 'add', size: 2, seed: 7 });
    const p = prompt(addFamily, { a: 10, b: 2 }, 2);
    expect(task.verify(p, [...encode('1'), SEQUENCE_VOCAB.indexOf('<pad>'), ...encode('2')])).toBe(false);
    expect(task.verify(p, encode('1+2'))).toBe(false);
    expect(task.verify(p, encode('12'))).toBe(true);
  });
});

describe('sequence tasks', () => {
  it.each(KINDS)('%s: prompts have the contract shape and the reference answer verifies', (kind) => {
    const size = kind === 'sort' || kind === 'reverse' ? 5 : 3;
    const task = createTask({ kind, size, seed: 7 });
    const shape = sequenceTaskShape({ kind, size });
    expect([task.vocab, task.promptLen, task.maxAnswerLen]).toEqual([shape.vocab, shape.promptLen, shape.maxAnswerLen]);
    expect(task.allowedTokens.map((t) => SEQUENCE_VOCAB[t]).join(' ')).toBe('0 1 2 3 4 5 6 7 8 9 <eos>');
    const rng = createRng(3, 'test');
    for (const p of [...task.sampleTrain(rng, 200), ...task.evalPrompts(50)]) {
      expect(p.tokens).toHaveLength(task.promptLen);
      expect(decode(p.tokens)).toBe(p.key);
      const answer = task.reference(p, rng)!;
      expect(answer.length).toBeLessThan(task.maxAnswerLen);
      expect(task.verify(p, answer)).toBe(true);
    }
  });

  it('draws training prompts deterministically from the rng', () => {
    const task = createTask({ kind: 'add', size: 3, seed: 7 });
    const a = task.sampleTrain(createRng(11, 'x'), 50).map((p) => p.key);
    const b = task.sampleTrain(createRng(11, 'x'), 50).map((p) => p.key);
    const c = task.sampleTrain(createRng(12, 'x'), 50).map((p) => p.key);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it.each([
    ['enumerated', 2],
    ['hashed', 3],
  ])('keeps train and eval prompts disjoint (%s split)', (_split, size) => {
    const task = createTask({ kind: 'add', size, seed: 7 });
    const held = new Set(task.evalPrompts(2000).map((p) => p.key));
    expect(held.size).toBeGreaterThan(size === 2 ? 1000 : 1999);
    const train = task.sampleTrain(createRng(5, 'x'), 20_000);
    expect(train.filter((p) => held.has(p.key))).toEqual([]);
  });

  it('fixes the eval set by the task seed alone: same list, same prefix, other seed other list', () => {
    const a = createTask({ kind: 'sort', size: 6, seed: 7 });
    const b = createTask({ kind: 'sort', size: 6, seed: 7 });
    const first = a.evalPrompts(40).map((p) => p.key);
    expect(b.evalPrompts(10).map((p) => p.key)).toEqual(first.slice(0, 10));
    expect(b.evalPrompts(40).map((p) => p.key)).toEqual(first);
    expect(new Set(first).size).toBe(40);
    const other = createTask({ kind: 'sort', size: 6, seed: 8 })
      .evalPrompts(40)
      .map((p) => p.key);
    expect(other).not.toEqual(first);
  });

  it('divisor has several correct answers and the reference draws among them', () => {
    const task = createTask({ kind: 'divisor', size: 3, seed: 7 });
    const p = prompt(divisorFamily, { n: 360, factors: factorise(360) }, 3);
    const rng = createRng(1, 'x');
    const answers = new Set(Array.from({ length: 200 }, () => decode(task.reference(p, rng)!)));
    expect(answers.size).toBeGreaterThan(15);
    for (const d of answers) expect(360 % Number(d)).toBe(0);
    expect(answers.has('1') || answers.has('360')).toBe(false);
  });

  it('small problem spaces still split into non-empty train and eval sets', () => {
    const task = createTask({ kind: 'divisor', size: 1, seed: 7 }); // composites 4, 6, 8, 9
    const held = task.evalPrompts(100).map((p) => p.key);
    expect(held).toHaveLength(1);
    const train = new Set(task.sampleTrain(createRng(1, 'x'), 100).map((p) => p.key));
    expect(train.size).toBe(3);
    expect(train.has(held[0])).toBe(false);
  });

  it('factorises numbers', () => {
    expect(factorise(360)).toEqual([
      [2, 3],
      [3, 2],
      [5, 1],
    ]);
    expect(factorise(97)).toEqual([[97, 1]]);
    expect(factorise(999_983 * 2)).toEqual([
      [2, 1],
      [999_983, 1],
    ]);
  });
});
