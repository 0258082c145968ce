/**
 * GGML tensor storage to float32: the formats a GGUF file's weights come in that cliplab reads.
 * The block formats hold 32 weights each with a float16 scale d (Q4_1 also a float16 minimum m),
 * laid out as ggml's ggml-common.h declares them (block_q4_0, block_q4_1, block_q8_0); in a 4-bit
 * block, byte j holds weight j in its low nibble and weight j + 16 in its high nibble:
 *   Q4_0: w = d * (q - 8)     Q4_1: w = d * q + m     Q8_0: w = d * q (q signed)
 * Each result is the float32 of the exact value, the same bits as gguf-py's `quants.dequantize`.
 */

/** GGML type ids (ggml.h's `enum ggml_type`) of the formats below. */
export const GGML_TYPE = { F32: 0, F16: 1, Q4_0: 2, Q4_1: 3, Q8_0: 8, BF16: 30 } as const;

interface Format {
  name: string;
  /** Weights per block and bytes per block. */
  blockSize: number;
  blockBytes: number;
  /** Decodes `count` weights (a whole number of blocks) from `src` into `out` starting at `at`. */
  decode(src: Uint8Array, out: Float32Array, at: number, count: number): void;
}

let halfTable: Float32Array | null = null;

/** IEEE binary16 bits to their value. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // subnormal
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** Every float16 value by its bits (256 KiB, built once): a table is faster than decoding each. */
function halves(): Float32Array {
  if (halfTable) return halfTable;
  halfTable = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloat(h);
  return halfTable;
}

const u16 = (src: Uint8Array, i: number) => src[i] | (src[i + 1] << 8);

function decodeQ4(src: Uint8Array, out: Float32Array, at: number, count: number, withMin: boolean): void {
  const half = halves();
  const blockBytes = withMin ? 20 : 18;
  const quants = withMin ? 4 : 2;
  for (let b = 0, o = at; o < at + count; b += blockBytes, o += 32) {
    const d = half[u16(src, b)];
    const m = withMin ? half[u16(src, b + 2)] : 0;
    const zero = withMin ? 0 : 8;
    for (let j = 0; j < 16; j++) {
      const q = src[b + quants + j];
      out[o + j] = d * ((q & 0x0f) - zero) + m;
      out[o + j + 16] = d * ((q >> 4) - zero) + m;
    }
  }
}

function decodeQ8(src: Uint8Array, out: Float32Array, at: number, count: number): void {
  const half = halves();
  for (let b = 0, o = at; o < at + count; b += 34, o += 32) {
    const d = half[u16(src, b)];
    for (let j = 0; j < 32; j++) {
      const q = src[b + 2 + j];
      out[o + j] = d * (q > 127 ? q - 256 : q);
    }
  }
}

/** The formats by GGML type id. */
const FORMATS: Record<number, Format> = {
  [GGML_TYPE.F32]: {
    name: 'F32',
    blockSize: 1,
    blockBytes: 4,
    decode: (src, out, at, count) => {
      // Copy the bytes first: `src` may be a view (a Buffer) at an offset not 4-byte aligned.
      const bytes = new Uint8Array(count * 4);
      bytes.set(src.subarray(0, count * 4));
      out.set(new Float32Array(bytes.buffer), at);
    },
  },
  [GGML_TYPE.F16]: {
    name: 'F16',
    blockSize: 1,
    blockBytes: 2,
    decode: (src, out, at, count) => {
      const half = halves();
      for (let i = 0; i < count; i++) out[at + i] = half[u16(src, 2 * i)];
    },
  },
  [GGML_TYPE.BF16]: {
    name: 'BF16',
    blockSize: 1,
    blockBytes: 2,
    decode: (src, out, at, count) => {
      // bfloat16 is the top half of a float32's bits.
      const bits = new Uint32Array(out.buffer, out.byteOffset + 4 * at, count);
      for (let i = 0; i < count; i++) bits[i] = u16(src, 2 * i) << 16;
    },
  },
  [GGML_TYPE.Q4_0]: {
    name: 'Q4_0',
    blockSize: 32,
    blockBytes: 18,
    decode: (s, o, a, n) => decodeQ4(s, o, a, n, false),
  },
  [GGML_TYPE.Q4_1]: { name: 'Q4_1', blockSize: 32, blockBytes: 20, decode: (s, o, a, n) => decodeQ4(s, o, a, n, true) },
  [GGML_TYPE.Q8_0]: { name: 'Q8_0', blockSize: 32, blockBytes: 34, decode: decodeQ8 },
};

export const SUPPORTED_GGML_TYPES = Object.values(FORMATS).map((f) => f.name);

/** The format of a GGML type id, or null when cliplab cannot read it. */
export function ggmlFormat(type: number): Format | null {
  return FORMATS[type] ?? null;
}

/** Bytes `count` weights of `type` take on disk; throws when the count is not whole blocks. */
export function storedBytes(type: number, count: number, what: string): number {
  const f = ggmlFormat(type);
  if (!f) throw new Error(`${what}: GGML type ${type} is not one cliplab reads (${SUPPORTED_GGML_TYPES.join(', ')})`);
  if (count % f.blockSize !== 0) {
    throw new Error(`${what}: ${count} weights are not a whole number of ${f.name} blocks of ${f.blockSize}`);
  }
  return (count / f.blockSize) * f.blockBytes;
}

/** `count` weights of GGML type `type` stored in `src`, as float32. */
export function dequantize(type: number, src: Uint8Array, count: number, what: string): Float32Array {
  const bytes = storedBytes(type, count, what);
  if (src.length < bytes) throw new Error(`${what}: ${src.length} bytes, expected ${bytes}`);
  const out = new Float32Array(count);
  ggmlFormat(type)!.decode(src, out, 0, count);
  return out;
}
