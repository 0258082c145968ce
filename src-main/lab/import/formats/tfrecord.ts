/**
 * TFRecord framing, read incrementally: each record is
 *   u64 length (little-endian) | u32 masked CRC32C of those 8 bytes | payload | u32 masked CRC32C of payload.
 * Both checksums are verified. A record cut short is only an error at the end of input (a live file
 * may be mid-write), and then it names the record and how many bytes are missing.
 */
import { ImportError } from '../errors';
import { maskedCrc32c } from './crc32c';

const HEADER = 12;
const FOOTER = 4;
/** Event files hold small records; a length beyond this is corruption, not data. */
const MAX_RECORD = 256 * 1024 * 1024;

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

export class TfRecordReader {
  private buf: Buffer = Buffer.alloc(0);
  private records = 0;
  private consumed = 0;

  constructor(
    private readonly file: string,
    private readonly onRecord: (payload: Buffer, recordNo: number) => void,
  ) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= HEADER) {
      const length = this.payloadLength();
      const size = HEADER + length + FOOTER;
      if (this.buf.length < size) break;
      const stored = this.buf.readUInt32LE(HEADER + length);
      const computed = maskedCrc32c(this.buf, HEADER, HEADER + length);
      if (stored !== computed) {
        this.fail(`payload CRC mismatch (stored ${hex(stored)}, computed ${hex(computed)}); the record is corrupt`);
      }
      this.records++;
      this.onRecord(this.buf.subarray(HEADER, HEADER + length), this.records);
      this.buf = this.buf.subarray(size);
      this.consumed += size;
    }
  }

  end(): void {
    if (this.buf.length === 0) return;
    const have = this.buf.length;
    const need = have >= HEADER ? HEADER + this.payloadLength() + FOOTER : HEADER;
    this.fail(`truncated: the file ends ${need - have} bytes before the record does (${have} of ${need} bytes)`);
  }

  get count(): number {
    return this.records;
  }

  private payloadLength(): number {
    const stored = this.buf.readUInt32LE(8);
    const computed = maskedCrc32c(this.buf, 0, 8);
    if (stored !== computed) {
      this.fail(
        `length CRC mismatch (stored ${hex(stored)}, computed ${hex(computed)}); not a TFRecord file or corrupt`,
      );
    }
    const low = this.buf.readUInt32LE(0);
    const high = this.buf.readUInt32LE(4);
    if (high !== 0 || low > MAX_RECORD) this.fail(`record length ${high * 2 ** 32 + low} is implausibly large`);
    return low;
  }

  private fail(problem: string): never {
    throw new ImportError(this.file, `${problem} (at byte ${this.consumed})`, { record: this.records + 1 });
  }
}

/** True if the bytes start with a TFRecord header whose length checksum is valid. */
export function startsWithTfRecord(bytes: Buffer): boolean {
  if (bytes.length < HEADER) return false;
  return bytes.readUInt32LE(8) === maskedCrc32c(bytes, 0, 8) && bytes.readUInt32LE(4) === 0;
}

/** Frames a payload as one TFRecord (for writing event files in tests and fixtures). */
export function frameTfRecord(payload: Uint8Array): Buffer {
  const out = Buffer.alloc(HEADER + payload.length + FOOTER);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt32LE(0, 4);
  out.writeUInt32LE(maskedCrc32c(out, 0, 8), 8);
  out.set(payload, HEADER);
  out.writeUInt32LE(maskedCrc32c(out, HEADER, HEADER + payload.length), HEADER + payload.length);
  return out;
}
