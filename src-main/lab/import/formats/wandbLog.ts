/**
 * The framing of a W&B run file (`run-<id>.wandb`), read incrementally. wandb documents it in
 * wandb/sdk/internal/datastore.py and core/pkg/leveldb/record.go: LevelDB's log format
 * (leveldb/doc/log_format.md) behind a 7-byte file header.
 *
 *   file   := header block*            header := ":W&B" | u16 0xBEE1 | u8 version 0   (little-endian)
 *   block  := chunk* zero-padding      32 KiB; the first block includes the file header
 *   chunk  := u32 crc | u16 length | u8 type | data[length]
 *
 * A chunk never crosses a block boundary; fewer than 7 bytes left in a block are zero padding. A
 * record is one FULL chunk or FIRST, MIDDLE*, LAST. The checksum is CRC-32 (IEEE, as zlib computes
 * it) over the type byte and the data, not LevelDB's masked CRC-32C.
 */
import { crc32 } from 'node:zlib';
import { ImportError } from '../errors';

export const WANDB_HEADER = Buffer.from([0x3a, 0x57, 0x26, 0x42, 0xe1, 0xbe, 0x00]); // ":W&B", 0xBEE1, 0
const BLOCK = 32 * 1024;
const CHUNK_HEADER = 7;
const FULL = 1;
const FIRST = 2;
const MIDDLE = 3;
const LAST = 4;

const TYPE_NAMES: Record<number, string> = { [FULL]: 'FULL', [FIRST]: 'FIRST', [MIDDLE]: 'MIDDLE', [LAST]: 'LAST' };

export function startsWithWandbHeader(bytes: Buffer): boolean {
  return bytes.length >= WANDB_HEADER.length && bytes.subarray(0, WANDB_HEADER.length).equals(WANDB_HEADER);
}

export class WandbLogReader {
  private buf: Buffer = Buffer.alloc(0);
  /** File offset of buf[0]. */
  private offset = 0;
  private headerRead = false;
  private parts: Buffer[] | null = null;
  private records = 0;

  constructor(
    private readonly file: string,
    private readonly onRecord: (payload: Buffer, recordNo: number) => void,
  ) {}

  get count(): number {
    return this.records;
  }

  push(chunk: Buffer): void {
    this.buf = this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : chunk;
    if (!this.headerRead) {
      if (this.buf.length < WANDB_HEADER.length) return;
      if (!startsWithWandbHeader(this.buf)) {
        throw new ImportError(this.file, 'not a W&B run file: it does not start with the ":W&B" header');
      }
      this.consume(WANDB_HEADER.length);
      this.headerRead = true;
    }
    while (this.nextChunk());
  }

  /** Bytes that were never part of a whole record: a run still being written, or cut. Empty when clean. */
  end(): { danglingBytes: number } {
    const dangling = this.buf.length + (this.parts?.reduce((n, p) => n + p.length, 0) ?? 0);
    this.buf = Buffer.alloc(0);
    this.parts = null;
    return { danglingBytes: dangling };
  }

  /** Reads one chunk (or a block's padding) if it is all there; false when more bytes are needed. */
  private nextChunk(): boolean {
    const left = BLOCK - (this.offset % BLOCK);
    if (left < CHUNK_HEADER) {
      if (this.buf.length < left) return false;
      if (this.buf.subarray(0, left).some((b) => b !== 0)) this.fail('non-zero padding at the end of a block');
      this.consume(left);
      return true;
    }
    if (this.buf.length < CHUNK_HEADER) return false;
    const stored = this.buf.readUInt32LE(0);
    const length = this.buf.readUInt16LE(4);
    const type = this.buf[6];
    if (stored === 0 && length === 0 && type === 0) {
      // A zeroed rest of a block (preallocated file): LevelDB readers skip to the next block.
      if (this.buf.length < left) return false;
      this.consume(left);
      return true;
    }
    if (CHUNK_HEADER + length > left) this.fail(`a chunk of ${length} bytes crosses the block boundary`);
    if (this.buf.length < CHUNK_HEADER + length) return false;
    const data = this.buf.subarray(CHUNK_HEADER, CHUNK_HEADER + length);
    const computed = crc32(data, crc32(Buffer.from([type])));
    if (stored !== computed) this.fail(`chunk checksum mismatch (stored ${stored}, computed ${computed})`);
    this.assemble(type, Buffer.from(data));
    this.consume(CHUNK_HEADER + length);
    return true;
  }

  private assemble(type: number, data: Buffer): void {
    if (type === FULL || type === FIRST) {
      if (this.parts !== null) this.fail(`a ${TYPE_NAMES[type]} chunk inside an unfinished record`);
      if (type === FULL) return this.emit(data);
      this.parts = [data];
      return;
    }
    if (type !== MIDDLE && type !== LAST) this.fail(`unknown chunk type ${type}`);
    if (this.parts === null) this.fail(`a ${TYPE_NAMES[type]} chunk without the FIRST chunk of its record`);
    this.parts.push(data);
    if (type === LAST) {
      const whole = Buffer.concat(this.parts);
      this.parts = null;
      this.emit(whole);
    }
  }

  private emit(payload: Buffer): void {
    this.records++;
    this.onRecord(payload, this.records);
  }

  private consume(n: number): void {
    this.buf = this.buf.subarray(n);
    this.offset += n;
  }

  private fail(problem: string): never {
    throw new ImportError(this.file, `${problem} (at byte ${this.offset}); the file is corrupt`, {
      record: this.records + 1,
    });
  }
}
