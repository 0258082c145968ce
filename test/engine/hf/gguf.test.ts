/**
 * GGUF files against the reference implementations: gguf-py's dequantization bit for bit for every
 * format cliplab reads, and tiny random Llamas written as GGUF by gguf-py at test time (every 2-D
 * weight in one of Q4_0/Q4_1/Q8_0/F16/BF16/F32, Q and K in llama.cpp's row order, tied and untied
 * output heads) loaded by cliplab and by transformers' GGUF support: logits within 1e-4, token ids
 * and chat templates identical, greedy continuations identical.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { LoadedCheckpoint } from '../../../src-main/engine/policies/hf/checkpoint';
import { dequantize } from '../../../src-main/engine/policies/hf/dequant';
import { openGgufFile } from '../../../src-main/engine/policies/hf/gguf';
import { HfPolicy } from '../../../src-main/engine/policies/hf/policy';
import { createRng } from '../../../src-main/engine/rng';
import { python } from '../../support/python';
import { useCpuBackend } from '../support';
import { CHATS, CORPUS, maxAbsDiff, ourLogits } from './gguf-checks';
import { Reference, skipReason, tempDir, START_TIMEOUT_MS } from './support';

const SCRIPT = path.resolve(import.meta.dirname, '..', '..', 'reference', 'gguf_reference.py');

const floats = (b64: string) => new Float32Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);

describe.skipIf(!python)(`GGUF files match gguf-py and transformers${skipReason}`, () => {
  const tmp = tempDir('cliplab-gguf-');
  let ref: Reference;
  beforeAll(async () => {
    await useCpuBackend();
    ref = await Reference.start(SCRIPT);
  }, START_TIMEOUT_MS);
  afterAll(() => {
    ref?.close();
    tmp.remove();
  });

  it('dequantizes Q4_0, Q4_1, Q8_0, F16, BF16 and F32 to the same float32 values as gguf-py', async () => {
    const formats = await ref.request<Record<string, { type: number; count: number; raw: string; values: string }>>(
      'quants',
      { seed: 5 },
    );
    expect(Object.keys(formats).sort()).toEqual(['BF16', 'F16', 'F32', 'Q4_0', 'Q4_1', 'Q8_0']);
    for (const [name, f] of Object.entries(formats)) {
      const ours = dequantize(f.type, new Uint8Array(Buffer.from(f.raw, 'base64')), f.count, name);
      const theirs = floats(f.values);
      const differing = ours.findIndex((x, i) => x !== theirs[i]);
      expect(differing, `${name}: first differing weight`).toBe(-1);
    }
  });

  for (const tied of [true, false]) {
    it(`a tiny Llama (${tied ? 'tied' : 'untied'} head): logits, tokens, chat template and greedy decoding equal transformers'`, async () => {
      const { file } = await ref.request<{ file: string }>('make', { out: tmp.dir, seed: tied ? 3 : 4, tied });
      const source = await openGgufFile(file);
      expect(source.spec).toMatchObject({ layers: 2, heads: 4, kvHeads: 2, headDim: 16, tiedEmbeddings: tied });
      expect(source.dtype.split(', ').sort()).toEqual(['BF16', 'F16', 'F32', 'Q4_0', 'Q4_1', 'Q8_0']);
      const ckpt = LoadedCheckpoint.fromSource(source).acquire();
      const policy = new HfPolicy(ckpt, {
        role: 'frozen',
        lora: null,
        loraRng: null,
        stopTokens: new Set(ckpt.tokenizer.stopTokens),
        maxNewTokens: 10,
        topP: 1,
        sampleBatch: 4,
      });
      try {
        const tok = ckpt.tokenizer;
        const texts = await ref.request<{ ids: number[][]; chat_text: string[]; chat_ids: number[][] }>('tokenize', {
          file,
          texts: CORPUS,
          chats: CHATS,
        });
        CORPUS.forEach((text, i) => expect(tok.encode(text, { addSpecialTokens: false }), text).toEqual(texts.ids[i]));
        CHATS.forEach((chat, i) => {
          expect(tok.chatPrompt(chat)).toBe(texts.chat_text[i]);
          expect(tok.encode(tok.chatPrompt(chat)!, { addSpecialTokens: false })).toEqual(texts.chat_ids[i]);
        });

        const rows = texts.chat_ids.map((ids) => ids.slice(0, 24));
        const theirs = await ref.request<{ logits: number[][][] }>('logits', { file, input_ids: [rows[0]] });
        expect(maxAbsDiff(await ourLogits(ckpt, rows[0]), theirs.logits[0])).toBeLessThan(1e-4);

        const prompts = rows.map((tokens, i) => ({ key: `p${i}`, tokens, meta: null }));
        const greedy = await policy.sample(prompts, { temperature: 1, greedy: true, rng: createRng(1, 'g') });
        const { batch } = greedy;
        for (const [row, prompt] of rows.entries()) {
          const answer = await ref.request<{ tokens: number[][] }>('generate', {
            file,
            input_ids: [prompt],
            max_new_tokens: 10,
            eos_token_id: [...tok.stopTokens],
          });
          const end = answer.tokens[0].findIndex((t) => tok.stopTokens.includes(t));
          const expected = end < 0 ? answer.tokens[0] : answer.tokens[0].slice(0, end + 1);
          const ours = Array.from(batch.responses.subarray(row * batch.responseLen, (row + 1) * batch.responseLen));
          expect(ours.filter((_, t) => batch.mask[row * batch.responseLen + t] > 0)).toEqual(expected);
        }
      } finally {
        policy.dispose();
        ckpt.release();
      }
    });
  }
});
