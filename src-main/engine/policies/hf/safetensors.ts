/**
 * A streaming reader for safetensors files (a little-endian u64 header length, a JSON header of
 * `name -> { dtype, shape, data_offsets }`, then the raw bytes) and for sharded checkpoints
 * (`model.safetensors.index.json` mapping each tensor to its shard). Only the header is read up
 * front; each tensor is read from disk when asked for and converted to float32 at once, so a
 * checkpoint is never held in memory whole, and never twice.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Bytes per element of the dtypes a float checkpoint can hold. */
const FLOAT_BYTES = { F32: 4, F16: 2, BF16: 2 } as const;
type FloatDtype = keyof typeof FLOAT_BYTES;

/** Headers larger than this are not a real checkpoint's (the format's own limit is 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

export interface TensorEntry {
  name: string;
  dtype: FloatDtype;
  shape: number[];
  /** File holding the tensor, and its byte range there (absolute offsets). */
  file: string;
  begin: number;
  end: number;
}

export interface TensorReader {
  /** Every tensor of the checkpoint, by name. */
  readonly entries: ReadonlyMap<string, TensorEntry>;
  /** The tensor's values as float32, read from disk now. */
  read(name: string): Float32Array;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** The header of one safetensors file: its tensors with absolute byte ranges, checked against the file size. */
export function readSafetensorsHeader(file: string): TensorEntry[] {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const prefix = Buffer.alloc(8);
    if (size < 8 || fs.readSync(fd, prefix, 0, 8, 0) !== 8)
      throw new Error(`${file}: too short for a safetensors file`);
    const headerBytes = Number(prefix.readBigUInt64LE(0));
    if (headerBytes > MAX_HEADER_BYTES || 8 + headerBytes > size) {
      throw new Error(`${file}: header length ${headerBytes} does not fit the file (${size} bytes)`);
    }
    const header = Buffer.alloc(headerBytes);
    fs.readSync(fd, header, 0, headerBytes, 8);
    let json: unknown;
    try {
      json = JSON.parse(header.toString('utf8'));
    } catch (err) {
      throw new Error(`${file}: the header is not JSON (${(err as Error).message})`, { cause: err });
    }
    if (typeof json !== 'object' || json === null) throw new Error(`${file}: the header is not a JSON object`);
    const dataStart = 8 + headerBytes;
    return Object.entries(json)
      .filter(([name]) => name !== '__metadata__')
      .map(([name, info]) => parseEntry(file, name, info, dataStart, size));
  } finally {
    fs.closeSync(fd);
  }
}

function parseEntry(file: string, name: string, info: unknown, dataStart: number, size: number): TensorEntry {
  const where = `${file}: tensor "${name}"`;
  const { dtype, shape, data_offsets: offsets } = (info ?? {}) as Record<string, unknown>;
  if (typeof dtype !== 'string' || !(dtype in FLOAT_BYTES)) {
    throw new Error(`${where}: dtype ${JSON.stringify(dtype)} is not supported (expected F32, F16 or BF16)`);
  }
  if (!Array.isArray(shape) || !shape.every(isInt)) throw new Error(`${where}: shape is not a list of sizes`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isInt) || offsets[0] > offsets[1]) {
    throw new Error(`${where}: data_offsets is not [begin, end]`);
  }
  const [begin, end] = [dataStart + offsets[0], dataStart + offsets[1]];
  const elements = shape.reduce((a: number, b: number) => a * b, 1);
  if (end - begin !== elements * FLOAT_BYTES[dtype as FloatDtype] || end > size) {
    throw new Error(`${where}: ${end - begin} bytes at data_offsets do not hold ${dtype} of shape [${shape}]`);
  }
  return { name, dtype: dtype as FloatDtype, shape, file, begin, end };
}

/** bf16 is the top half of a float32: widen by a 16-bit shift. */
function bf16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = bits[i] << 16;
  return new Float32Array(out.buffer);
}

/** IEEE half to float32, subnormals, infinities and NaN included. */
function f16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    if (exponent === 0) out[i] = sign * fraction * 2 ** -24;
    else if (exponent === 31) out[i] = fraction ? NaN : sign * Infinity;
    else out[i] = sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  return out;
}

/** Reads [begin, end) of a file straight into a fresh buffer (float32 data lands in its final array). */
function readRange(file: string, begin: number, end: number): ArrayBuffer {
  const buffer = new ArrayBuffer(end - begin);
  const view = new Uint8Array(buffer);
  const fd = fs.openSync(file, 'r');
  try {
    let done = 0;
    while (done < view.length) {
      const n = fs.readSync(fd, view, done, view.length - done, begin + done);
      if (n === 0) throw new Error(`${file}: ended before byte ${end}`);
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return buffer;
}

function readEntry(entry: TensorEntry): Float32Array {
  const buffer = readRange(entry.file, entry.begin, entry.end);
  if (entry.dtype === 'F32') return new Float32Array(buffer);
  const bits = new Uint16Array(buffer);
  return entry.dtype === 'BF16' ? bf16ToFloat32(bits) : f16ToFloat32(bits);
}

/** Shards of an index file: `weight_map` of tensor name -> shard file name, beside the index. */
function shardFiles(indexFile: string): string[] {
  let index: unknown;
  try {
    index = JSON.parse(fs.readFileSync(indexFile, 'utf8'));
  } catch (err) {
    throw new Error(`${indexFile}: not readable JSON (${(err as Error).message})`, { cause: err });
  }
  const map = (index as { weight_map?: unknown })?.weight_map;
  if (typeof map !== 'object' || map === null) throw new Error(`${indexFile}: field "weight_map" is missing`);
  const names = new Set<string>();
  for (const [tensor, shard] of Object.entries(map)) {
    if (typeof shard !== 'string' || shard.includes('/') || shard.includes('\\')) {
      throw new Error(`${indexFile}: weight_map["${tensor}"] is not a file name beside the index`);
    }
    names.add(shard);
  }
  return [...names].map((n) => path.join(path.dirname(indexFile), n));
}

/**
 * A reader over a model folder's weights: `model.safetensors`, or the shards listed by
 * `model.safetensors.index.json`.
 */
export function openSafetensors(dir: string): TensorReader {
  const single = path.join(dir, 'model.safetensors');
  const indexFile = path.join(dir, 'model.safetensors.index.json');
  let files: string[];
  if (fs.existsSync(single)) files = [single];
  else if (fs.existsSync(indexFile)) files = shardFiles(indexFile);
  else throw new Error(`${dir}: no model.safetensors or model.safetensors.index.json`);
  const entries = new Map<string, TensorEntry>();
  for (const file of files) {
    if (!fs.existsSync(file)) throw new Error(`${file}: listed by the index but missing`);
    for (const entry of readSafetensorsHeader(file)) {
      if (entries.has(entry.name)) throw new Error(`${file}: tensor "${entry.name}" appears in two shards`);
      entries.set(entry.name, entry);
    }
  }
  return {
    entries,
    read(name) {
      const entry = entries.get(name);
      if (!entry) throw new Error(`${dir}: the checkpoint has no tensor "${name}"`);
      return readEntry(entry);
    },
  };
}
