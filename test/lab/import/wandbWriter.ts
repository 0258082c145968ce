/**
 * Writes W&B run files for tests, following the framing wandb documents (datastore.py): the 7-byte
 * header, 32 KiB blocks, chunks of `crc32(type + data) | u16 length | u8 type | data` split FULL or
 * FIRST / MIDDLE* / LAST at block ends, zero padding when fewer than 7 bytes are left in a block.
 */
import { crc32 } from 'node:zlib';
import { WANDB_HEADER } from '../../../src-main/lab/import/formats/wandbLog';
import { encodeWandbRecord } from '../../../src-main/lab/import/formats/wandbProto';

const BLOCK = 32 * 1024;
const HEADER = 7;

export function wandbFile(records: Record<string, unknown>[]): Buffer {
  const parts: Buffer[] = [WANDB_HEADER];
  let offset = WANDB_HEADER.length;
  for (const record of records) {
    let data = Buffer.from(encodeWandbRecord(record));
    let first = true;
    do {
      let left = BLOCK - (offset % BLOCK);
      if (left < HEADER) {
        parts.push(Buffer.alloc(left));
        offset += left;
        left = BLOCK;
      }
      const piece = data.subarray(0, left - HEADER);
      data = data.subarray(piece.length);
      const type = first ? (data.length === 0 ? 1 : 2) : data.length === 0 ? 4 : 3;
      const header = Buffer.alloc(HEADER);
      header.writeUInt32LE(crc32(piece, crc32(Buffer.from([type]))), 0);
      header.writeUInt16LE(piece.length, 4);
      header[6] = type;
      parts.push(header, piece);
      offset += HEADER + piece.length;
      first = false;
    } while (data.length > 0);
  }
  return Buffer.concat(parts);
}

export const json = (value: unknown) => JSON.stringify(value);

/** A history row as wandb-core writes it: nested_key items with value_json. */
export function historyRow(values: Record<string, unknown>): Record<string, unknown> {
  const item = Object.entries(values).map(([key, value]) => ({ nested_key: [key], value_json: json(value) }));
  return { history: { item, step: { num: values._step ?? 0 } } };
}
