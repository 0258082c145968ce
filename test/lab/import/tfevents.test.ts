/** TensorBoard event files: CRC32C, both scalar encodings, and every way the framing can be broken. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../src-main/lab/import/errors';
import { crc32c, maskedCrc32c } from '../../../src-main/lab/import/formats/crc32c';
import { frameTfRecord } from '../../../src-main/lab/import/formats/tfrecord';
import { parseBuffer, type ParseResult } from '../../../src-main/lab/import/parse';
import { rejectionOf } from '../../support/rejection';
import { EVENT_FIXTURE, generatedEventFile } from './eventFixture';
import { eventFile, fileVersionEvent, simpleScalar } from './helpers';

const points = (r: ParseResult, key: string) => {
  const s = r.series.get(key)!;
  return s.steps.map((step, i) => [step, s.values[i], s.times![i]]);
};

const importError = (bytes: Buffer, format?: 'tfevents') =>
  rejectionOf(parseBuffer(bytes, 'events.out.tfevents.x', { format }), ImportError);

/** Byte offsets of each record in a TFRecord file. */
function recordOffsets(bytes: Buffer): number[] {
  const offsets: number[] = [];
  for (let at = 0; at < bytes.length; at += 16 + bytes.readUInt32LE(at)) offsets.push(at);
  return offsets;
}

describe('CRC32C', () => {
  it('matches the Castagnoli check value and TensorFlow masking', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(32))).toBe(0x8a9136aa); // RFC 3720 test vector: 32 zero bytes
    const crc = crc32c(Buffer.from('abc'));
    expect(maskedCrc32c(Buffer.from('abc'))).toBe(((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0);
  });
});

describe('event file decoding', () => {
  it('the committed fixture is what the generator writes', () => {
    expect(fs.readFileSync(EVENT_FIXTURE).equals(generatedEventFile())).toBe(true);
  });

  it('reads simple_value and TF2 tensor scalars (float, double, int64) with relative wall times', async () => {
    const r = await parseBuffer(fs.readFileSync(EVENT_FIXTURE), 'generated.tfevents');
    expect(r.detection.format).toBe('tfevents');
    expect(points(r, 'train/reward')).toEqual([
      [1, 0.25, 1],
      [2, 0.5, 2],
      [3, 0.75, 3.5],
    ]);
    // The scalars plugin is named only on the first value; later tensors still count as scalars.
    expect(points(r, 'train/entropy')).toEqual([
      [1, 0.75, 1],
      [2, 0.625, 2],
      [3, 0.5, 3.5],
    ]);
    expect(points(r, 'train/kl').map((p) => p[1])).toEqual([0.001, 0.002]);
    expect(points(r, 'train/num_tokens')).toEqual([[1, 2 ** 40, 1]]);
  });

  it('skips non-scalar values, and reads the TrainingArguments text summary as params', async () => {
    const r = await parseBuffer(fs.readFileSync(EVENT_FIXTURE), 'generated.tfevents');
    expect(r.series.has('weights')).toBe(false);
    expect(r.series.has('histogram_without_fields')).toBe(false);
    expect(r.warnings.join('\n')).toMatch(/"weights": its tensor is not a one-element number/);
    expect(r.params).toEqual({ learning_rate: 1e-6, epsilon: 0.2, beta: 0 });
  });
});

describe('broken event files', () => {
  const good = eventFile([fileVersionEvent(100), simpleScalar(1, 101, 'loss', 1), simpleScalar(2, 102, 'loss', 0.5)]);
  const [, second, third] = recordOffsets(good);

  it('rejects a bad length CRC, naming the record', async () => {
    const bytes = Buffer.from(good);
    bytes[second + 8] ^= 0xff;
    const err = await importError(bytes);
    expect(err.record).toBe(2);
    expect(err.problem).toMatch(/^length CRC mismatch \(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\)/);
  });

  it('rejects a bad payload CRC, naming the record', async () => {
    const bytes = Buffer.from(good);
    bytes[third + 14] ^= 0x01;
    const err = await importError(bytes);
    expect(err.record).toBe(3);
    expect(err.problem).toMatch(/^payload CRC mismatch/);
  });

  it('rejects a record cut short, in its payload or in its header', async () => {
    const cut = await importError(good.subarray(0, good.length - 3));
    expect(cut.record).toBe(3);
    expect(cut.problem).toMatch(/^truncated: the file ends 3 bytes before the record does/);
    const header = await importError(good.subarray(0, third + 5));
    expect(header.record).toBe(3);
    expect(header.problem).toMatch(/truncated/);
  });

  it('rejects a record with valid CRCs that is not an Event, and text forced as tfevents', async () => {
    const garbage = Buffer.concat([good, frameTfRecord(Buffer.from([0x0a, 0xff, 0xff]))]);
    const err = await importError(garbage);
    expect([err.record, err.problem]).toEqual([4, expect.stringMatching(/^not a TensorBoard Event protobuf/)]);
    const text = await importError(Buffer.from('step,loss\n1,0.5\n2,0.25\n'), 'tfevents');
    expect([text.record, text.problem]).toEqual([1, expect.stringMatching(/^length CRC mismatch/)]);
  });

  it('rejects a file of valid records without any scalar', async () => {
    const err = await importError(eventFile([fileVersionEvent(100)]));
    expect(err.problem).toBe('no scalar summaries in 1 records');
  });
});
