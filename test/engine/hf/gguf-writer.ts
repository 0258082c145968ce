/**
 * Writes small GGUF files in the tests, without Python: the format of ggml's docs/gguf.md (version
 * 3, little-endian, 32-byte alignment), enough to make valid tiny models and broken ones.
 */
import fs from 'node:fs';

export type GgufValue =
  { u32: number } | { f32: number } | { bool: boolean } | { str: string } | { strs: string[] } | { i32s: number[] };

export interface GgufTensor {
  name: string;
  /** GGML dims, fastest first ([in, out] for a linear weight). */
  dims: number[];
  /** GGML type id. */
  type: number;
  data: Uint8Array;
}

const ALIGN = 32;

class Bytes {
  private parts: Buffer[] = [];
  length = 0;

  push(b: Buffer): void {
    this.parts.push(b);
    this.length += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  pad(): void {
    const rest = (ALIGN - (this.length % ALIGN)) % ALIGN;
    if (rest) this.push(Buffer.alloc(rest));
  }
  concat(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function writeValue(out: Bytes, v: GgufValue): void {
  if ('u32' in v) {
    out.u32(4);
    out.u32(v.u32);
  } else if ('f32' in v) {
    out.u32(6);
    const b = Buffer.alloc(4);
    b.writeFloatLE(v.f32);
    out.push(b);
  } else if ('bool' in v) {
    out.u32(7);
    out.push(Buffer.from([v.bool ? 1 : 0]));
  } else if ('str' in v) {
    out.u32(8);
    out.str(v.str);
  } else if ('strs' in v) {
    out.u32(9);
    out.u32(8);
    out.u64(v.strs.length);
    v.strs.forEach((s) => out.str(s));
  } else {
    out.u32(9);
    out.u32(5);
    out.u64(v.i32s.length);
    const b = Buffer.alloc(4 * v.i32s.length);
    v.i32s.forEach((x, i) => b.writeInt32LE(x, 4 * i));
    out.push(b);
  }
}

/** The bytes of a GGUF file with these metadata entries and tensors. */
export function ggufBytes(metadata: Record<string, GgufValue>, tensors: GgufTensor[]): Buffer {
  const out = new Bytes();
  out.push(Buffer.from('GGUF', 'latin1'));
  out.u32(3);
  out.u64(tensors.length);
  out.u64(Object.keys(metadata).length);
  for (const [key, value] of Object.entries(metadata)) {
    out.str(key);
    writeValue(out, value);
  }
  let offset = 0;
  for (const t of tensors) {
    out.str(t.name);
    out.u32(t.dims.length);
    t.dims.forEach((d) => out.u64(d));
    out.u32(t.type);
    out.u64(offset);
    offset += Math.ceil(t.data.length / ALIGN) * ALIGN;
  }
  out.pad();
  for (const t of tensors) {
    out.push(Buffer.from(t.data));
    out.pad();
  }
  return out.concat();
}

export function writeGguf(file: string, metadata: Record<string, GgufValue>, tensors: GgufTensor[]): string {
  fs.writeFileSync(file, ggufBytes(metadata, tensors));
  return file;
}

/** GPT-2's byte-to-character table: the 256 single-byte tokens of a byte-level BPE vocabulary. */
export function byteLevelAlphabet(): string[] {
  const printable = (b: number) => (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
  let next = 256;
  return Array.from({ length: 256 }, (_, b) => String.fromCodePoint(printable(b) ? b : next++));
}
