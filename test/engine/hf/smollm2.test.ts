/**
 * The real model of issue 21, SmolLM2-135M-Instruct as the Q4_1 GGUF file `npm run fetch:smollm2`
 * puts in the models folder, against transformers' own GGUF loading of the same file: the logits
 * of chat prompts within tolerance (both dequantize the same Q4_1 blocks to float32; 30 layers of
 * float32 arithmetic in different orders), identical token ids on a mixed corpus and identical chat
 * templates, identical 20-token greedy generations. Runs only where the file exists (CI has no
 * network; the tiny random GGUF files of gguf.test.ts cover the same code there).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { SMOLLM2_GGUF } from '../../../src-main/contract';
import { LoadedCheckpoint } from '../../../src-main/engine/policies/hf/checkpoint';
import { openGgufFile } from '../../../src-main/engine/policies/hf/gguf';
import { HfPolicy } from '../../../src-main/engine/policies/hf/policy';
import { createRng } from '../../../src-main/engine/rng';
import { modelsDir } from '../../../src-main/lab/models-folder';
import { python } from '../../support/python';
import { useCpuBackend } from '../support';
import { CHATS as BASE_CHATS, CORPUS as BASE_CORPUS, maxAbsDiff, ourLogits } from './gguf-checks';
import { Reference, START_TIMEOUT_MS } from './support';

const SCRIPT = path.resolve(import.meta.dirname, '..', '..', 'reference', 'gguf_reference.py');
const FILE = path.join(modelsDir(), SMOLLM2_GGUF);
const present = fs.existsSync(FILE);
const why = !python
  ? ' (skipped: no Python environment; run `npm run setup:python`)'
  : !present
    ? ` (skipped: no ${SMOLLM2_GGUF} in the models folder; run \`npm run fetch:smollm2\`)`
    : '';

/** The shared corpus and chats, with a line of code and a third chat. */
const CORPUS = [
  ...BASE_CORPUS,
  'def gsm8k(answer: str) -> int:\n    return int(answer.split("####")[-1].replace(",", ""))\n',
];
const CHATS = [
  [{ role: 'user', content: 'Tom has 3 apples and buys 14 more. How many apples does Tom have?' }],
  ...BASE_CHATS.slice(1),
  [{ role: 'user', content: 'Write one sentence about the sea.' }],
];
/** Largest |difference| of logits allowed, against logits of magnitude ~20 (measured 5e-5 to 8e-5 on this file). */
const LOGIT_TOLERANCE = 1e-3;
const GREEDY_TOKENS = 20;

describe.skipIf(!python || !present)(`SmolLM2-135M-Instruct (GGUF Q4_1) matches transformers${why}`, () => {
  let ref: Reference;
  let ckpt: LoadedCheckpoint;
  beforeAll(async () => {
    await useCpuBackend();
    ref = await Reference.start(SCRIPT);
    ckpt = LoadedCheckpoint.fromSource(await openGgufFile(FILE)).acquire();
  }, START_TIMEOUT_MS);
  afterAll(() => {
    ckpt?.release();
    ref?.close();
  });

  it('reads the real file as a 30-layer Llama with a 49152-token vocabulary and a chat template', () => {
    expect(ckpt.spec).toMatchObject({ family: 'llama', layers: 30, vocab: 49152, tiedEmbeddings: true });
    expect(ckpt.tokenizer.chatPrompt(CHATS[0])).toContain('<|im_start|>assistant\n');
  });

  it('gives the same token ids on a mixed corpus and the same chat prompts', async () => {
    const tok = ckpt.tokenizer;
    const theirs = await ref.request<{ ids: number[][]; chat_text: string[]; chat_ids: number[][] }>('tokenize', {
      file: FILE,
      texts: CORPUS,
      chats: CHATS,
    });
    CORPUS.forEach((text, i) => expect(tok.encode(text, { addSpecialTokens: false }), text).toEqual(theirs.ids[i]));
    CHATS.forEach((chat, i) => {
      expect(tok.chatPrompt(chat)).toBe(theirs.chat_text[i]);
      expect(tok.encode(tok.chatPrompt(chat)!, { addSpecialTokens: false })).toEqual(theirs.chat_ids[i]);
    });
  }, 120_000);

  it(`gives logits within ${LOGIT_TOLERANCE} and the same ${GREEDY_TOKENS}-token greedy answers`, async () => {
    const tok = ckpt.tokenizer;
    const prompts = CHATS.map((chat) => tok.encode(tok.chatPrompt(chat)!, { addSpecialTokens: false }));
    for (const row of prompts.slice(0, 2)) {
      const theirs = await ref.request<{ logits: number[][][] }>('logits', { file: FILE, input_ids: [row] });
      const diff = maxAbsDiff(await ourLogits(ckpt, row), theirs.logits[0]);
      console.log(
        `SmolLM2 logits: max |cliplab - transformers| = ${diff.toExponential(2)} over ${row.length} positions`,
      );
      expect(diff).toBeLessThan(LOGIT_TOLERANCE);
    }
    const policy = new HfPolicy(ckpt, {
      role: 'frozen',
      lora: null,
      loraRng: null,
      stopTokens: new Set(tok.stopTokens),
      maxNewTokens: GREEDY_TOKENS,
      topP: 1,
      sampleBatch: prompts.length,
    });
    try {
      const rows = prompts.map((tokens, i) => ({ key: `p${i}`, tokens, meta: null }));
      const { batch } = await policy.sample(rows, { temperature: 1, greedy: true, rng: createRng(1, 'greedy') });
      for (const [i, prompt] of prompts.entries()) {
        const answer = await ref.request<{ tokens: number[][] }>('generate', {
          file: FILE,
          input_ids: [prompt],
          max_new_tokens: GREEDY_TOKENS,
          eos_token_id: [...tok.stopTokens],
        });
        const end = answer.tokens[0].findIndex((t) => tok.stopTokens.includes(t));
        const expected = end < 0 ? answer.tokens[0] : answer.tokens[0].slice(0, end + 1);
        const L = batch.responseLen;
        const ours = Array.from(batch.responses.subarray(i * L, (i + 1) * L)).filter(
          (_, t) => batch.mask[i * L + t] > 0,
        );
        expect(ours, tok.decode(expected)).toEqual(expected);
      }
    } finally {
      policy.dispose();
    }
  }, 1_800_000); // minutes on a loaded machine: two 135M models decode 20 tokens for 3 prompts
});
