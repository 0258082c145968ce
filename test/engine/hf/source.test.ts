/**
 * Reading a model folder without Python: config.json specs and their errors (file and field named),
 * safetensors files written here (float32, float16, bfloat16; shards; bad headers), and the weight
 * table's checks (a missing or misshapen tensor names the file and tensor).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSafetensors, readSafetensorsHeader } from '../../../src-main/engine/policies/hf/safetensors';
import { parameterCount, readModelSpec } from '../../../src-main/engine/policies/hf/spec';
import { tempDir } from './support';

/** A safetensors file of the given tensors (raw little-endian bytes per dtype). */
function writeSafetensors(
  file: string,
  tensors: Record<string, { dtype: string; shape: number[]; bytes: Uint8Array }>,
) {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  const json = Buffer.from(JSON.stringify(header));
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(json.length));
  fs.writeFileSync(file, Buffer.concat([size, json, ...Object.values(tensors).map((t) => Buffer.from(t.bytes))]));
}

const f32 = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);
const u16 = (values: number[]) => new Uint8Array(Uint16Array.from(values).buffer);

const LLAMA = {
  model_type: 'qwen2',
  hidden_size: 64,
  intermediate_size: 128,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  vocab_size: 100,
  rope_theta: 1e6,
  rope_scaling: null,
  tie_word_embeddings: true,
};

describe('config.json specs', () => {
  it('reads a Qwen2 config in the transformers-4 layout', () => {
    const spec = readModelSpec(LLAMA, 'config.json');
    expect(spec).toMatchObject({ family: 'llama', heads: 4, kvHeads: 2, headDim: 16, qkvBias: true, outBias: false });
    expect(spec.rope).toMatchObject({ type: 'default', theta: 1e6 });
    // embed 100x64 once (tied) + per layer q,k,v,o (+ q/k/v biases), 3 MLP matrices, 2 norms + final norm
    const layer = 64 * (64 + 2 * 32) + 64 * 64 + (64 + 2 * 32) + 3 * 64 * 128 + 2 * 64;
    expect(parameterCount(spec)).toBe(100 * 64 + 2 * layer + 64);
  });

  it.each([
    [
      { ...LLAMA, model_type: 'falcon' },
      /config\.json: field "model_type" must be one of "llama", "mistral", "qwen2", "qwen3", "gpt2" \(got "falcon"\)/,
    ],
    [{ ...LLAMA, hidden_act: 'gelu' }, /field "hidden_act" must be "silu"/],
    [{ ...LLAMA, num_key_value_heads: 3 }, /field "num_key_value_heads" must divide num_attention_heads \(4\)/],
    [
      { ...LLAMA, rope_scaling: { rope_type: 'longrope', factor: 4 } },
      /config\.json rope_scaling: field "rope_type" must be "default", "linear", "llama3" or "yarn"/,
    ],
    [
      { ...LLAMA, rope_scaling: { rope_type: 'llama3', factor: 8, original_max_position_embeddings: 8192 } },
      /rope_scaling: field "low_freq_factor" must be a number/,
    ],
    [{ ...LLAMA, vocab_size: 0 }, /field "vocab_size" must be a positive integer \(got 0\)/],
    [
      {
        model_type: 'gpt2',
        n_embd: 64,
        n_layer: 2,
        n_head: 4,
        n_positions: 128,
        vocab_size: 50,
        scale_attn_by_inverse_layer_idx: true,
      },
      /field "scale_attn_by_inverse_layer_idx" must be false/,
    ],
  ])('names the file and field: %#', (config, message) => {
    expect(() => readModelSpec(config, 'config.json')).toThrow(message);
  });
});

describe('safetensors', () => {
  const tmp = tempDir('cliplab-st-');
  afterAll(tmp.remove);

  it('reads float32, float16 and bfloat16 tensors as float32, one at a time', () => {
    const file = path.join(tmp.dir, 'model.safetensors');
    writeSafetensors(file, {
      a: { dtype: 'F32', shape: [2, 2], bytes: f32([1, -2.5, 3e-8, 1e30]) },
      h: { dtype: 'F16', shape: [4], bytes: u16([0x3c00, 0xc100, 0x0001, 0x7c00]) }, // 1, -2.5, 2^-24, inf
      b: { dtype: 'BF16', shape: [3], bytes: u16([0x3f80, 0xc020, 0x4049]) }, // 1, -2.5, 3.140625
    });
    const reader = openSafetensors(tmp.dir);
    expect([...reader.entries.keys()]).toEqual(['a', 'h', 'b']);
    expect(Array.from(reader.read('a'))).toEqual(Array.from(Float32Array.from([1, -2.5, 3e-8, 1e30])));
    expect(Array.from(reader.read('h'))).toEqual([1, -2.5, 2 ** -24, Infinity]);
    expect(Array.from(reader.read('b'))).toEqual([1, -2.5, 3.140625]);
    expect(() => reader.read('c')).toThrow(/has no tensor "c"/);
  });

  it('follows a shard index, and names the file of a bad header', () => {
    const dir = path.join(tmp.dir, 'sharded');
    fs.mkdirSync(dir);
    writeSafetensors(path.join(dir, 'part-1.safetensors'), { x: { dtype: 'F32', shape: [1], bytes: f32([7]) } });
    writeSafetensors(path.join(dir, 'part-2.safetensors'), { y: { dtype: 'F32', shape: [1], bytes: f32([8]) } });
    const index = { weight_map: { x: 'part-1.safetensors', y: 'part-2.safetensors' } };
    fs.writeFileSync(path.join(dir, 'model.safetensors.index.json'), JSON.stringify(index));
    expect(Array.from(openSafetensors(dir).read('y'))).toEqual([8]);

    const bad = path.join(tmp.dir, 'bad.safetensors');
    writeSafetensors(bad, { z: { dtype: 'I64', shape: [1], bytes: new Uint8Array(8) } });
    expect(() => readSafetensorsHeader(bad)).toThrow(/bad\.safetensors: tensor "z": dtype "I64" is not supported/);
    writeSafetensors(bad, { z: { dtype: 'F32', shape: [3], bytes: f32([1, 2]) } });
    expect(() => readSafetensorsHeader(bad)).toThrow(/8 bytes at data_offsets do not hold F32 of shape \[3\]/);
    fs.writeFileSync(bad, Buffer.from([1, 2, 3]));
    expect(() => readSafetensorsHeader(bad)).toThrow(/too short for a safetensors file/);
    expect(() => openSafetensors(path.join(tmp.dir, 'none'))).toThrow(
      /no model\.safetensors or model\.safetensors\.index\.json/,
    );
  });
});
