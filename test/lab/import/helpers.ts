/** Shared pieces for the import tests: temp folders, fixture paths, and an event-file writer. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeEvent } from '../../../src-main/lab/import/formats/eventProto';
import { frameTfRecord } from '../../../src-main/lab/import/formats/tfrecord';

export const REAL_LOGS = path.join(import.meta.dirname, '..', '..', 'fixtures', 'real-logs');
export const GENERATED = path.join(import.meta.dirname, '..', '..', 'fixtures', 'import');

export function realLog(name: string): string {
  return path.join(REAL_LOGS, name);
}

export function tempDir(): { dir: string; file(name: string, content?: string | Buffer): string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cliplab-'));
  return {
    dir,
    file(name, content) {
      const p = path.join(dir, name);
      if (content !== undefined) fs.writeFileSync(p, content);
      return p;
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** DataType values of TensorFlow's types.proto. */
export const DT_FLOAT = 1;
export const DT_DOUBLE = 2;
export const DT_INT64 = 9;

export const fileVersionEvent = (wallTime: number) => ({ wall_time: wallTime, step: 0, file_version: 'brain.Event:2' });

/** A PyTorch-style scalar: `simple_value`. */
export const simpleScalar = (step: number, wallTime: number, tag: string, value: number) => ({
  wall_time: wallTime,
  step,
  summary: { value: [{ tag, simple_value: value }] },
});

/** A TF2-style scalar: a rank-0 tensor, with the scalars plugin named only when `first` is true. */
export function tensorScalar(step: number, wallTime: number, tag: string, value: number, dtype: number, first = false) {
  const content = Buffer.alloc(dtype === DT_FLOAT ? 4 : 8);
  if (dtype === DT_FLOAT) content.writeFloatLE(value);
  else if (dtype === DT_DOUBLE) content.writeDoubleLE(value);
  else content.writeBigInt64LE(BigInt(value));
  return {
    wall_time: wallTime,
    step,
    summary: {
      value: [
        {
          tag,
          tensor: { dtype, tensor_shape: {}, tensor_content: content },
          ...(first ? { metadata: { plugin_data: { plugin_name: 'scalars' } } } : {}),
        },
      ],
    },
  };
}

export const textSummary = (step: number, wallTime: number, tag: string, text: string) => ({
  wall_time: wallTime,
  step,
  summary: {
    value: [
      {
        tag,
        metadata: { plugin_data: { plugin_name: 'text' } },
        tensor: { dtype: 7, tensor_shape: { dim: [{ size: 1 }] }, string_val: [Buffer.from(text)] },
      },
    ],
  },
});

export function eventFile(events: Record<string, unknown>[]): Buffer {
  return Buffer.concat(events.map((e) => frameTfRecord(encodeEvent(e))));
}
