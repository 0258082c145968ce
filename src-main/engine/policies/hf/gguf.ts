/**
 * A GGUF file (llama.cpp's one-file format) as a model source (issue 21), beside the Hugging Face
 * folder of source.ts. Hugging Face's `@huggingface/gguf` parses the header; the architecture comes
 * from the metadata (gguf-meta.ts), the tokenizer from `tokenizer.ggml.*` (gguf-tokenizer.ts), and
 * each weight is read from disk when its turn comes, dequantized to float32 (dequant.ts) and put in
 * our layout and row order.
 */
import fs from 'node:fs';
import { gguf, type GGUFTensorInfo } from '@huggingface/gguf';
import { ggmlFormat, dequantize, storedBytes } from './dequant';
import { GgufFields, readGgufSpec } from './gguf-meta';
import { ggufTokenizer } from './gguf-tokenizer';
import { weightSlots, type WeightSlot } from './names';
import type { ModelSource } from './source';
import { parameterCount, type ModelSpec } from './spec';

/** Our block weights by GGUF's block tensor names (ggml's docs/gguf.md, "Standardized tensor names"). */
const BLOCK_TENSORS: Record<string, string> = {
  norm1: 'attn_norm',
  q: 'attn_q',
  k: 'attn_k',
  v: 'attn_v',
  o: 'attn_output',
  norm2: 'ffn_norm',
  gate: 'ffn_gate',
  up: 'ffn_up',
  down: 'ffn_down',
};
const MODEL_TENSORS: Record<string, string> = {
  embed: 'token_embd.weight',
  'norm.g': 'output_norm.weight',
  'head.w': 'output.weight',
};

/** The GGUF name of one of our weights, e.g. "h3.q.w" -> "blk.3.attn_q.weight". */
export function ggufTensorName(ours: string): string {
  if (MODEL_TENSORS[ours]) return MODEL_TENSORS[ours];
  const m = /^h(\d+)\.(\w+)\.([wgb])$/.exec(ours);
  if (!m || !BLOCK_TENSORS[m[2]]) throw new Error(`no GGUF tensor name for "${ours}"`);
  return `blk.${m[1]}.${BLOCK_TENSORS[m[2]]}.${m[3] === 'b' ? 'bias' : 'weight'}`;
}

/**
 * llama.cpp's convert script reorders the rows of each head of W_q and W_k (and their biases) so
 * its RoPE kernel rotates adjacent pairs (2i, 2i + 1); the Llama block here rotates halves
 * (i, i + headDim/2), as transformers does. Undo it as transformers' GGUF loader does
 * (LlamaTensorProcessor): our row h*hd + j*hd/2 + i is the file's row h*hd + 2i + j.
 */
export function unpermuteRotaryRows(data: Float32Array, heads: number, rowLen: number): Float32Array {
  const headDim = data.length / rowLen / heads;
  const half = headDim / 2;
  const out = new Float32Array(data.length);
  for (let h = 0; h < heads; h++) {
    for (let j = 0; j < 2; j++) {
      for (let i = 0; i < half; i++) {
        const to = (h * headDim + j * half + i) * rowLen;
        const from = (h * headDim + 2 * i + j) * rowLen;
        out.set(data.subarray(from, from + rowLen), to);
      }
    }
  }
  return out;
}

/** rows x cols row-major -> cols x rows. */
function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    const from = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[from + c];
  }
  return out;
}

/** Reads `bytes` bytes at `position` of an open file. */
function readAt(fd: number, position: number, bytes: number, file: string): Uint8Array {
  const buf = Buffer.allocUnsafe(bytes);
  let done = 0;
  while (done < bytes) {
    const n = fs.readSync(fd, buf, done, bytes - done, position + done);
    if (n === 0) throw new Error(`${file}: ends inside a tensor (truncated file?)`);
    done += n;
  }
  return buf;
}

interface Tensor {
  info: GGUFTensorInfo;
  /** GGML's dims, fastest first: [in, out] for a linear weight. */
  dims: number[];
  count: number;
}

/** The file's rows of a slot's tensor, in our row order (Q and K heads un-permuted). */
function rowOrder(slot: WeightSlot, spec: ModelSpec, data: Float32Array, rowLen: number): Float32Array {
  const m = /^h\d+\.([qk])\.[wb]$/.exec(slot.name);
  if (!m) return data;
  return unpermuteRotaryRows(data, m[1] === 'q' ? spec.heads : spec.kvHeads, rowLen);
}

function readGgufWeights(
  file: string,
  dataOffset: number,
  tensors: Map<string, Tensor>,
  spec: ModelSpec,
  visit: Parameters<ModelSource['readWeights']>[0],
): void {
  const slots = weightSlots(spec).map((slot) => ({ slot, name: ggufTensorName(slot.name) }));
  const claimed = new Set(slots.map((s) => s.name));
  for (const name of tensors.keys()) {
    if (!claimed.has(name))
      throw new Error(`${file}: tensor "${name}" is not part of a llama model as cliplab reads it`);
  }
  const fd = fs.openSync(file, 'r');
  try {
    for (const { slot, name } of slots) {
      const t = tensors.get(name);
      if (!t)
        throw new Error(`${file}: no tensor "${name}" (the metadata describes a ${spec.layers}-layer llama model)`);
      // GGML lists dims fastest first: a stored [out, in] matrix is [in, out] here, our layout.
      const expected = slot.transpose || slot.shape.length === 1 ? slot.shape : [...slot.shape].reverse();
      if (t.dims.join(',') !== expected.join(',')) {
        throw new Error(`${file}: tensor "${name}" has dims [${t.dims}], the metadata implies [${expected}]`);
      }
      const what = `${file}: tensor "${name}"`;
      const raw = readAt(fd, dataOffset + Number(t.info.offset), storedBytes(t.info.dtype, t.count, what), file);
      const rowLen = t.dims[0];
      const rows = rowOrder(slot, spec, dequantize(t.info.dtype, raw, t.count, what), t.dims.length === 1 ? 1 : rowLen);
      visit(slot.name, slot.shape, slot.transpose ? transpose2d(rows, t.count / rowLen, rowLen) : rows);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Opens a .gguf file: header, architecture and tokenizer now, weights when `readWeights` runs. */
export async function openGgufFile(file: string): Promise<ModelSource> {
  let parsed: Awaited<ReturnType<typeof gguf>>;
  try {
    parsed = await gguf(file, { allowLocalFile: true });
  } catch (err) {
    throw new Error(`${file}: not a readable GGUF file (${(err as Error).message})`, { cause: err });
  }
  if (!parsed.littleEndian) throw new Error(`${file}: a big-endian GGUF file (only little-endian files are read)`);
  const tensors = new Map<string, Tensor>();
  for (const info of parsed.tensorInfos) {
    const dims = info.shape.map(Number);
    if (!ggmlFormat(info.dtype)) storedBytes(info.dtype, 0, `${file}: tensor "${info.name}"`); // throws, naming it
    tensors.set(info.name, { info, dims, count: dims.reduce((a, b) => a * b, 1) });
  }
  const meta = new GgufFields(parsed.metadata as Record<string, unknown>, file);
  const embed = tensors.get('token_embd.weight');
  if (!embed || embed.dims.length !== 2) throw new Error(`${file}: no 2-D tensor "token_embd.weight"`);
  const spec = readGgufSpec(meta, { has: (n) => tensors.has(n), embeddingRows: embed.dims[1] });
  const tokenizer = ggufTokenizer(meta);
  const dtypes = [...new Set([...tensors.values()].map((t) => ggmlFormat(t.info.dtype)!.name))];
  const dataOffset = Number(parsed.tensorDataOffset);
  return {
    origin: file,
    spec,
    tokenizer,
    dtype: dtypes.join(', '),
    parameters: parameterCount(spec),
    readWeights: (visit) => readGgufWeights(file, dataOffset, tensors, spec, visit),
  };
}

/** A path cliplab opens as GGUF: a file named *.gguf. */
export function isGgufPath(p: string, stat: fs.Stats): boolean {
  return stat.isFile() && p.toLowerCase().endsWith('.gguf');
}
