/**
 * A GGUF file's metadata as a `ModelSpec`: the `<arch>.*` keys llama.cpp's convert script writes
 * (ggml's docs/gguf.md names them), each error naming the file and the key. Only the llama
 * architecture is read (Llama 1-3, SmolLM2, Mistral exported as llama); others are refused by name.
 */
import type { ModelSpec, RopeSpec } from './spec';

type Metadata = Record<string, unknown>;

/** Reads metadata keys of one GGUF file, each error naming the file and the key. */
export class GgufFields {
  constructor(
    readonly raw: Metadata,
    readonly file: string,
  ) {}

  has(key: string): boolean {
    return this.raw[key] !== undefined;
  }

  fail(key: string, expected: string): never {
    const v = this.raw[key];
    const shown = typeof v === 'bigint' ? String(v) : Array.isArray(v) ? `a list of ${v.length}` : JSON.stringify(v);
    throw new Error(`${this.file}: metadata "${key}" ${expected} (got ${shown})`);
  }

  /** A whole number >= 1 (GGUF stores counts as uint32 or uint64; the parser gives bigint for the latter). */
  int(key: string, fallback?: number): number {
    const raw = this.raw[key] ?? fallback;
    const v = typeof raw === 'bigint' ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) this.fail(key, 'must be a positive integer');
    return v;
  }

  num(key: string, fallback?: number): number {
    const v = this.raw[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, 'must be a number');
    return v;
  }

  str(key: string, fallback?: string): string {
    const v = this.raw[key] ?? fallback;
    if (typeof v !== 'string') this.fail(key, 'must be a string');
    return v;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.raw[key] ?? fallback;
    if (typeof v !== 'boolean') this.fail(key, 'must be true or false');
    return v;
  }

  /** A token id (0 allowed), or null when absent. */
  tokenId(key: string): number | null {
    const raw = this.raw[key];
    if (raw === undefined) return null;
    const v = typeof raw === 'bigint' ? Number(raw) : raw;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) this.fail(key, 'must be a token id');
    return v;
  }

  strings(key: string): string[] {
    const v = this.raw[key];
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) this.fail(key, 'must be a list of strings');
    return v as string[];
  }

  ints(key: string): number[] {
    const v = this.raw[key];
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'number' && Number.isInteger(s))) {
      this.fail(key, 'must be a list of integers');
    }
    return v as number[];
  }
}

/** What the spec needs to know about the file's tensors. */
export interface TensorFacts {
  has(name: string): boolean;
  /** The embedding's rows: the model's vocabulary (GGUF shape [d_model, vocab]). */
  embeddingRows: number;
}

/** RoPE from `<arch>.rope.*`: plain, or linearly scaled. */
function readRope(m: GgufFields, arch: string, tensors: TensorFacts): RopeSpec {
  if (tensors.has('rope_freqs.weight')) {
    throw new Error(
      `${m.file}: tensor "rope_freqs.weight" (per-frequency RoPE factors, e.g. Llama 3.1's scaling) is not supported`,
    );
  }
  const type = m.str(`${arch}.rope.scaling.type`, 'none');
  if (type !== 'none' && type !== 'linear') {
    m.fail(`${arch}.rope.scaling.type`, 'must be "none" or "linear" (other RoPE scalings are not supported)');
  }
  const base: RopeSpec = {
    type: 'default',
    theta: m.num(`${arch}.rope.freq_base`, 10_000),
    factor: 1,
    originalMaxPositions: 0,
    lowFreqFactor: 1,
    highFreqFactor: 1,
    betaFast: 32,
    betaSlow: 1,
    attentionFactor: null,
    mscale: null,
    mscaleAllDim: null,
    truncate: true,
  };
  return type === 'linear' ? { ...base, type: 'linear', factor: m.num(`${arch}.rope.scaling.factor`) } : base;
}

/** The llama architecture's hyper-parameters (llama.cpp's LLM_ARCH_LLAMA keys). */
function llamaSpec(m: GgufFields, tensors: TensorFacts): ModelSpec {
  const a = 'llama';
  if (Number(m.raw[`${a}.expert_count`] ?? 0) > 1) {
    m.fail(`${a}.expert_count`, 'must be absent (mixture-of-experts models are not supported)');
  }
  const heads = m.int(`${a}.attention.head_count`);
  const dModel = m.int(`${a}.embedding_length`);
  const kvHeads = m.int(`${a}.attention.head_count_kv`, heads);
  if (heads % kvHeads !== 0) m.fail(`${a}.attention.head_count_kv`, `must divide attention.head_count (${heads})`);
  const headDim = m.int(`${a}.attention.key_length`, dModel / heads);
  if (headDim % 2 !== 0) m.fail(`${a}.attention.key_length`, 'must be even');
  if (m.int(`${a}.attention.value_length`, headDim) !== headDim) {
    m.fail(`${a}.attention.value_length`, `must equal the key length (${headDim})`);
  }
  if (m.int(`${a}.rope.dimension_count`, headDim) !== headDim) {
    m.fail(`${a}.rope.dimension_count`, `must equal the head size ${headDim} (partial rotary is not supported)`);
  }
  const vocab = tensors.embeddingRows;
  if (m.has(`${a}.vocab_size`) && m.int(`${a}.vocab_size`) !== vocab) {
    m.fail(`${a}.vocab_size`, `must equal the rows of token_embd.weight (${vocab})`);
  }
  return {
    family: 'llama',
    modelType: 'llama',
    vocab,
    dModel,
    layers: m.int(`${a}.block_count`),
    heads,
    kvHeads,
    headDim,
    ffn: m.int(`${a}.feed_forward_length`),
    maxPositions: m.int(`${a}.context_length`, 2048),
    normEps: m.num(`${a}.attention.layer_norm_rms_epsilon`, 1e-5),
    tiedEmbeddings: !tensors.has('output.weight'),
    qkvBias: tensors.has('blk.0.attn_q.bias'),
    outBias: tensors.has('blk.0.attn_output.bias'),
    mlpBias: tensors.has('blk.0.ffn_up.bias'),
    qkNorm: false,
    activation: 'silu',
    rope: readRope(m, a, tensors),
    slidingWindow: null,
  };
}

/** One reader per supported `general.architecture`. */
const ARCHITECTURES: Record<string, (m: GgufFields, tensors: TensorFacts) => ModelSpec> = {
  llama: llamaSpec,
};

/** The spec of a GGUF file's metadata. */
export function readGgufSpec(m: GgufFields, tensors: TensorFacts): ModelSpec {
  const arch = m.str('general.architecture');
  const read = ARCHITECTURES[arch];
  if (!read) {
    m.fail('general.architecture', `must be one of ${Object.keys(ARCHITECTURES).map((a) => `"${a}"`)}`);
  }
  return read(m, tensors);
}
