/**
 * GGUF files without Python: a tiny llama written here (float32 weights) opens with its spec,
 * tokenizer and chat template from the metadata, its weights land in our layout with Q and K rows
 * put back in rotate-half order, it trains through the trainer with `policy.path=FILE.gguf`; and
 * every kind of file cliplab cannot read is refused with the file and the key or tensor named.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../src-main/contract';
import { GGML_TYPE } from '../../../src-main/engine/policies/hf/dequant';
import { openGgufFile, unpermuteRotaryRows } from '../../../src-main/engine/policies/hf/gguf';
import { loadModelSource } from '../../../src-main/engine/policies/hf/open';
import { TextTokenizer } from '../../../src-main/engine/policies/hf/tokenizer';
import { createTrainer } from '../../../src-main/engine/trainer';
import { seededValues } from '../webgpu/compare';
import { tinyHfConfig, writeGsm8k } from './fixtures';
import { byteLevelAlphabet, writeGguf, type GgufTensor, type GgufValue } from './gguf-writer';
import { tempDir } from './support';

const [D, HEADS, KV, FFN, LAYERS] = [32, 4, 2, 64, 1];
const HEAD_DIM = D / HEADS;
const SPECIALS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'];
const TEMPLATE =
  "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

function vocabulary() {
  const alphabet = byteLevelAlphabet();
  const merges = ['h i', 'Ġ t', 'Ġt h', 'Ġth e'];
  const tokens = [...SPECIALS, ...alphabet, ...merges.map((m) => m.replace(' ', ''))];
  return { tokens, merges, types: tokens.map((_, i) => (i < SPECIALS.length ? 3 : 1)) };
}
const VOCAB = vocabulary().tokens.length;

function metadata(): Record<string, GgufValue> {
  const { tokens, merges, types } = vocabulary();
  return {
    'general.architecture': { str: 'llama' },
    'llama.block_count': { u32: LAYERS },
    'llama.context_length': { u32: 512 },
    'llama.embedding_length': { u32: D },
    'llama.feed_forward_length': { u32: FFN },
    'llama.attention.head_count': { u32: HEADS },
    'llama.attention.head_count_kv': { u32: KV },
    'llama.rope.freq_base': { f32: 10000 },
    'llama.attention.layer_norm_rms_epsilon': { f32: 1e-5 },
    'tokenizer.ggml.model': { str: 'gpt2' },
    'tokenizer.ggml.pre': { str: 'smollm' },
    'tokenizer.ggml.tokens': { strs: tokens },
    'tokenizer.ggml.token_type': { i32s: types },
    'tokenizer.ggml.merges': { strs: merges },
    'tokenizer.ggml.bos_token_id': { u32: 1 },
    'tokenizer.ggml.eos_token_id': { u32: 2 },
    'tokenizer.chat_template': { str: TEMPLATE },
  };
}

const f32 = (n: number, seed: number, scale = 0.3) => new Uint8Array(seededValues(n, seed, scale).buffer);

function tensors(): GgufTensor[] {
  const out: GgufTensor[] = [{ name: 'token_embd.weight', dims: [D, VOCAB], type: 0, data: f32(D * VOCAB, 1) }];
  const add = (name: string, dims: number[]) =>
    out.push({ name, dims, type: GGML_TYPE.F32, data: f32(dims[0] * (dims[1] ?? 1), out.length + 1) });
  for (let i = 0; i < LAYERS; i++) {
    add(`blk.${i}.attn_norm.weight`, [D]);
    add(`blk.${i}.attn_q.weight`, [D, HEADS * HEAD_DIM]);
    add(`blk.${i}.attn_k.weight`, [D, KV * HEAD_DIM]);
    add(`blk.${i}.attn_v.weight`, [D, KV * HEAD_DIM]);
    add(`blk.${i}.attn_output.weight`, [HEADS * HEAD_DIM, D]);
    add(`blk.${i}.ffn_norm.weight`, [D]);
    add(`blk.${i}.ffn_gate.weight`, [D, FFN]);
    add(`blk.${i}.ffn_up.weight`, [D, FFN]);
    add(`blk.${i}.ffn_down.weight`, [FFN, D]);
  }
  add('output_norm.weight', [D]);
  return out;
}

describe('GGUF files (no Python)', () => {
  const tmp = tempDir('cliplab-gguf-src-');
  afterAll(() => tmp.remove());
  let n = 0;
  const write = (meta = metadata(), ts = tensors()) => writeGguf(path.join(tmp.dir, `m${n++}.gguf`), meta, ts);

  it('reads the spec, tokenizer and chat template from the metadata', async () => {
    const source = await loadModelSource(write());
    expect(source.spec).toMatchObject({
      ...{ family: 'llama', vocab: VOCAB, dModel: D, layers: LAYERS, heads: HEADS, kvHeads: KV, headDim: HEAD_DIM },
      ...{ ffn: FFN, maxPositions: 512, tiedEmbeddings: true, qkvBias: false },
    });
    expect(source.spec.rope).toMatchObject({ type: 'default', theta: 10000 });
    expect(source.dtype).toBe('F32');
    const tok = new TextTokenizer(source.tokenizer);
    expect(tok.stopTokens).toEqual([2]);
    const ids = tok.encode('<|im_start|>hi the 42', { addSpecialTokens: false });
    const { tokens } = vocabulary();
    expect(ids.map((i) => tokens[i])).toEqual(['<|im_start|>', 'hi', 'Ġthe', 'Ġ', '4', '2']);
    expect(tok.decode(ids)).toBe('<|im_start|>hi the 42');
    expect(tok.chatPrompt([{ role: 'user', content: 'hi' }])).toBe(
      '<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it('puts weights in our layout, with Q and K rows back in rotate-half order', async () => {
    const source = await openGgufFile(write());
    const got = new Map<string, { shape: number[]; data: Float32Array }>();
    source.readWeights((name, shape, data) => got.set(name, { shape, data }));
    expect(got.get('embed')!.shape).toEqual([VOCAB, D]);
    expect(got.get('embed')!.data).toEqual(seededValues(D * VOCAB, 1, 0.3));
    expect(got.has('head.w')).toBe(false);
    const stored = seededValues(D * HEADS * HEAD_DIM, 3, 0.3); // blk.0.attn_q.weight, rows [out][in]
    const q = got.get('h0.q.w')!;
    expect(q.shape).toEqual([D, HEADS * HEAD_DIM]);
    // Our column h*hd + j*hd/2 + i (input c) is the file's row h*hd + 2i + j.
    for (const [h, j, i, c] of [
      [0, 0, 0, 0],
      [1, 1, 2, 5],
      [3, 0, 3, 31],
      [2, 1, 0, 7],
    ]) {
      const ours = q.data[c * HEADS * HEAD_DIM + h * HEAD_DIM + j * (HEAD_DIM / 2) + i];
      expect(ours).toBe(stored[(h * HEAD_DIM + 2 * i + j) * D + c]);
    }
    const down = got.get('h0.down.w')!;
    expect(down.shape).toEqual([FFN, D]);
  });

  it('un-permuting inverts llama.cpp permutation of rows', () => {
    const rows = 2 * 6;
    const data = Float32Array.from({ length: rows * 3 }, (_, i) => i);
    // llama.cpp's order: file row h*hd + 2i + j holds original row h*hd + j*hd/2 + i.
    const permuted = new Float32Array(data.length);
    for (let h = 0; h < 2; h++)
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 2; j++)
          permuted.set(data.subarray((h * 6 + j * 3 + i) * 3, (h * 6 + j * 3 + i + 1) * 3), (h * 6 + 2 * i + j) * 3);
    expect(unpermuteRotaryRows(permuted, 2, 3)).toEqual(data);
  });

  it('trains a step through the trainer with policy.path=FILE.gguf', async () => {
    const data = writeGsm8k(tmp.dir, 8);
    const config = runConfigSchema.parse(
      tinyHfConfig(write(), data, { steps: 1, eval: { every: 0, prompts: 2, k: 2 }, backend: 'cpu' }),
    );
    const trainer = await createTrainer(config);
    try {
      const step = await trainer.runStep();
      expect(step.metrics.entropy).toBeGreaterThan(0);
      expect(Number.isFinite(step.metrics['loss/pg'])).toBe(true);
    } finally {
      trainer.dispose();
    }
  });

  const refusals: [string, () => string, RegExp][] = [
    [
      'not a GGUF file',
      () => (fs.writeFileSync(path.join(tmp.dir, 'x.gguf'), 'hello world, not gguf'), path.join(tmp.dir, 'x.gguf')),
      /not a readable GGUF file/,
    ],
    [
      'another architecture',
      () => write({ ...metadata(), 'general.architecture': { str: 'qwen3moe' } }),
      /metadata "general\.architecture" must be one of "llama"/,
    ],
    [
      'a SentencePiece vocabulary',
      () => write({ ...metadata(), 'tokenizer.ggml.model': { str: 'llama' } }),
      /metadata "tokenizer\.ggml\.model" must be "gpt2"/,
    ],
    [
      'an unknown pre-tokenizer',
      () => write({ ...metadata(), 'tokenizer.ggml.pre': { str: 'falcon' } }),
      /metadata "tokenizer\.ggml\.pre" must be one of/,
    ],
    [
      'a missing head count',
      () => write((({ 'llama.attention.head_count': _, ...m }) => m)(metadata())),
      /metadata "llama\.attention\.head_count" must be a positive integer/,
    ],
    [
      'Llama 3.1 RoPE factors',
      () => write(metadata(), [...tensors(), { name: 'rope_freqs.weight', dims: [4], type: 0, data: f32(4, 9) }]),
      /tensor "rope_freqs\.weight"/,
    ],
    [
      'a K-quant tensor',
      () =>
        write(
          metadata(),
          tensors().map((t) => (t.name === 'blk.0.ffn_up.weight' ? { ...t, type: 12 } : t)),
        ),
      /tensor "blk\.0\.ffn_up\.weight": GGML type 12 is not one cliplab reads/,
    ],
  ];
  for (const [what, make, message] of refusals) {
    it(`refuses ${what}, naming the file and what is wrong`, async () => {
      const file = make();
      await expect(openGgufFile(file)).rejects.toThrow(message);
      await expect(openGgufFile(file)).rejects.toThrow(file);
    });
  }

  it('refuses a missing, an unexpected or a misshapen tensor when the weights are read', async () => {
    const read = async (ts: GgufTensor[]) => (await openGgufFile(write(metadata(), ts))).readWeights(() => undefined);
    await expect(read(tensors().filter((t) => t.name !== 'blk.0.ffn_down.weight'))).rejects.toThrow(
      /no tensor "blk\.0\.ffn_down\.weight"/,
    );
    await expect(
      read([...tensors(), { name: 'blk.0.extra.weight', dims: [D], type: 0, data: f32(D, 1) }]),
    ).rejects.toThrow(/tensor "blk\.0\.extra\.weight" is not part of a llama model/);
    const swapped = tensors().map((t) => (t.name === 'blk.0.ffn_gate.weight' ? { ...t, dims: [FFN, D] } : t));
    await expect(read(swapped)).rejects.toThrow(
      /tensor "blk\.0\.ffn_gate\.weight" has dims \[64,32\], the metadata implies \[32,64\]/,
    );
  });

  it('refuses a truncated file', async () => {
    const file = write();
    fs.truncateSync(file, fs.statSync(file).size - 100);
    const source = await openGgufFile(file);
    expect(() => source.readWeights(() => undefined)).toThrow(/ends inside a tensor/);
  });
});
