/**
 * Verifiable datasets: GSM8K and MATH answers out of solutions and responses, the math answer
 * checker (numbers, fractions, thousands separators, LaTeX), JSONL and Parquet files, prompts
 * through the policy's tokenizer and chat template, and a seeded held-out split.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src-main/contract';
import { answersAgree, gsm8kReference, lastBoxed, numericValue } from '../../../src-main/engine/tasks/dataset/answers';
import { openTask } from '../../../src-main/engine/tasks';
import { createRng } from '../../../src-main/engine/rng';
import type { ChatMessage, TextCodec } from '../../../src-main/engine/types';
import { python, runPython } from '../../support/python';
import { writeGsm8k } from '../hf/fixtures';
import { tempDir } from '../hf/support';

/** A character-level codec with a ChatML-like template: enough to see what the task asks of a tokenizer. */
const codec: TextCodec = {
  vocab: 0x3000,
  eosToken: 3,
  stopTokens: [3],
  encode: (text) => Array.from(text, (c) => c.charCodeAt(0) % 0x3000),
  decode: (tokens, opts) =>
    tokens
      .filter((t) => !(opts?.skipSpecialTokens && t === 3))
      .map((t) => String.fromCharCode(t))
      .join(''),
  chatPrompt: (messages: readonly ChatMessage[]) =>
    messages.map((m) => `<${m.role}>${m.content}</${m.role}>`).join('') + '<assistant>',
};

describe('answers', () => {
  it('reads GSM8K answers after "####" and MATH answers in the last \\boxed{}', () => {
    expect(gsm8kReference('She sold 48/2 = 24 clips.\n#### 72')).toBe('72');
    expect(gsm8kReference('no marker')).toBeNull();
    expect(lastBoxed('So $x = \\boxed{\\frac{3}{4}}$, not \\boxed{1}. Final: \\boxed{\\frac{1}{2}}')).toBe(
      '\\frac{1}{2}',
    );
    expect(lastBoxed('\\boxed{\\{1, 2\\} \\cup \\{3\\}}')).toBe('\\{1, 2\\} \\cup \\{3\\}');
    expect(lastBoxed('\\boxed{unbalanced')).toBeNull();
  });

  it('checks numbers: separators, fractions, decimals, signs, units and LaTeX', () => {
    expect(numericValue('1,234,567')).toBe(1234567);
    expect(numericValue('\\frac{3}{4}')).toBe(0.75);
    expect(numericValue('\\dfrac34')).toBe(0.75);
    expect(numericValue('-3/4')).toBe(-0.75);
    expect(numericValue('$18')).toBe(18);
    expect(numericValue('50\\%')).toBe(50);
    expect(numericValue('1,23')).toBeNull(); // not a thousands separator
    const agree: [string, string][] = [
      ['1,234', '1234'],
      ['0.75', '\\frac{3}{4}'],
      ['3/4', '\\tfrac{3}{4}'],
      ['18 dollars', '18'],
      ['x = 5', '5'],
      ['72.0', '72'],
      ['\\text{(B)}', '(B)'],
      ['\\left( 3, 4 \\right)', '(3,4)'],
    ];
    for (const [a, b] of agree) expect(answersAgree(a, b), `${a} ~ ${b}`).toBe(true);
    for (const [a, b] of [
      ['71', '72'],
      ['0.7', '\\frac{3}{4}'],
      ['', '0'],
      ['(3,5)', '(3,4)'],
    ]) {
      expect(answersAgree(a, b), `${a} !~ ${b}`).toBe(false);
    }
  });
});

describe('dataset task', () => {
  const tmp = tempDir('cliplab-data-');
  afterAll(tmp.remove);
  const config = (extra: Record<string, unknown>) =>
    runConfigSchema.parse({
      task: { kind: 'dataset', path: path.join(tmp.dir, 'x.jsonl'), ...extra },
      policy: { kind: 'hf', path: tmp.dir },
    }).task;

  it('builds chat prompts with the system prompt and verifies decoded answers', async () => {
    const file = writeGsm8k(tmp.dir, 16);
    const task = await openTask(config({ path: file, systemPrompt: 'Be brief.', maxNewTokens: 32 }), { codec });
    expect(task.maxAnswerLen).toBe(32);
    const [p] = task.sampleTrain(createRng(1, 'p'), 1);
    expect(p.text).toMatch(
      /^<system>Be brief\.<\/system><user>Tom has \d+ apples .* after "####"\.<\/user><assistant>$/,
    );
    expect(p.tokens).toEqual(codec.encode(p.text!));
    const answer = (p.meta as { answer: string }).answer;
    expect(task.verify(p, codec.encode(`so ... #### ${answer}`))).toBe(true);
    expect(task.verify(p, codec.encode(`#### ${Number(answer) + 1}`))).toBe(false);
    expect(task.verify(p, codec.encode(answer))).toBe(false); // no "####": not an answer (verl's strict check)
    expect(task.promptLen).toBeGreaterThanOrEqual(p.tokens.length);
  });

  it('holds out a seeded share of the file, the same for every run; or uses evalPath', async () => {
    const file = writeGsm8k(tmp.dir, 40);
    const a = await openTask(config({ path: file, seed: 5 }), { codec });
    const b = await openTask(config({ path: file, seed: 5 }), { codec });
    const held = a.evalPrompts(100).map((p) => p.key);
    expect(held).toHaveLength(5);
    expect(b.evalPrompts(100).map((p) => p.key)).toEqual(held);
    const train = new Set(a.sampleTrain(createRng(2, 'p'), 200).map((p) => p.key));
    expect(held.some((k) => train.has(k))).toBe(false);
    const evalFile = writeGsm8k(tmp.dir, 3, 'test.jsonl');
    const c = await openTask(config({ path: file, evalPath: evalFile }), { codec });
    expect(c.evalPrompts(10)).toHaveLength(3);
  });

  it('plain prompts without the chat template; MATH answers from \\boxed{}', async () => {
    const file = path.join(tmp.dir, 'math.jsonl');
    fs.writeFileSync(
      file,
      [
        { problem: 'What is 1/2 + 1/4?', solution: 'It is $\\boxed{\\frac{3}{4}}$.' },
        { problem: 'Compute 2^10.', answer: '1024', solution: 'ignored' },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const task = await openTask(config({ path: file, format: 'math', chatTemplate: false }), { codec });
    const all = [...task.evalPrompts(10), ...task.sampleTrain(createRng(3, 'p'), 20)];
    const half = all.find((p) => p.text!.startsWith('What is 1/2'))!;
    expect(half.text).toBe("What is 1/2 + 1/4? Let's think step by step and output the final answer within \\boxed{}.");
    expect(task.verify(half, codec.encode('so \\boxed{0.75}'))).toBe(true);
    expect(task.verify(half, codec.encode('\\boxed{3/5}'))).toBe(false);
  });

  it('names the file, record and field of bad input', async () => {
    const bad = path.join(tmp.dir, 'bad.jsonl');
    fs.writeFileSync(bad, JSON.stringify({ question: 'q', answer: 'no marker' }) + '\n');
    await expect(openTask(config({ path: bad }), { codec })).rejects.toThrow(
      /bad\.jsonl record 1: field "answer" has no final answer after "####"/,
    );
    fs.writeFileSync(bad, '{"question": "q", \n');
    await expect(openTask(config({ path: bad }), { codec })).rejects.toThrow(/bad\.jsonl line 1: not valid JSON/);
    await expect(openTask(config({ path: path.join(tmp.dir, 'none.jsonl') }), { codec })).rejects.toThrow(
      /task\.path: .* does not exist/,
    );
    await expect(openTask(config({ path: bad }), {})).rejects.toThrow(/needs a policy with a tokenizer/);
  });

  it.skipIf(!python)('reads Parquet files written by pyarrow (snappy and zstd)', async () => {
    const rows = [
      { question: 'Ann has 5 pens and 7 more. How many?', answer: '5 + 7 = 12\n#### 12' },
      { question: 'A farm has 1,200 cows and sells 200. How many are left?', answer: '#### 1,000' },
    ];
    const script = path.join(tmp.dir, 'write_parquet.py');
    fs.writeFileSync(
      script,
      [
        'import json, sys',
        'import pyarrow as pa, pyarrow.parquet as pq',
        'rows = json.load(sys.stdin)',
        'pq.write_table(pa.Table.from_pylist(rows), sys.argv[1], compression=sys.argv[2])',
      ].join('\n'),
    );
    for (const compression of ['snappy', 'zstd']) {
      const file = path.join(tmp.dir, `gsm8k-${compression}.parquet`);
      runPython(script, [file, compression], { input: JSON.stringify(rows) });
      const task = await openTask(config({ path: file, evalPath: file }), { codec });
      const prompts = task.evalPrompts(10);
      expect(prompts.map((p) => (p.meta as { answer: string }).answer)).toEqual(['12', '1,000']);
      expect(task.verify(prompts[1], codec.encode('#### 1000'))).toBe(true);
    }
  });
});
