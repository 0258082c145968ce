/**
 * TensorBoard event files (`events.out.tfevents.*`): TFRecord-framed `Event` protobufs. Scalars come
 * as `simple_value` (PyTorch's SummaryWriter, Hugging Face, verl) or as a one-element tensor tagged
 * with the `scalars` plugin (TF2). Text, histograms, images and other plugins are skipped; the
 * Trainer's `args/text_summary` (its TrainingArguments as JSON) becomes the run's params.
 */
import { ImportError } from '../errors';
import { EventType, int64ToNumber, type EventMessage, type SummaryValueMessage } from './eventProto';
import type { DecodeContext, Decoder, Head, ImportFormat } from './format';
import { shortestFloat32, tensorScalar } from './tensorScalar';
import { startsWithTfRecord, TfRecordReader } from './tfrecord';

/** Plugins whose tensors are never scalar metrics. */
const NON_SCALAR_PLUGINS = new Set(['text', 'histograms', 'images', 'audio', 'pr_curves', 'hparams', 'mesh', 'graph']);

function sniff(head: Head): string | null {
  if (!startsWithTfRecord(head.bytes)) return null;
  return 'the file starts with a TFRecord header whose length checksum is valid (TensorBoard event file)';
}

function decodeEvent(payload: Buffer, file: string, recordNo: number): EventMessage {
  try {
    return EventType.decode(payload) as unknown as EventMessage;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ImportError(file, `not a TensorBoard Event protobuf (${why})`, { record: recordNo });
  }
}

class EventFileDecoder implements Decoder {
  private readonly records: TfRecordReader;
  private origin: number | null = null;
  /** TF2 writes a tag's metadata only with its first value; later values inherit its plugin. */
  private readonly pluginOf = new Map<string, string>();
  private readonly skipped = new Set<string>();

  constructor(private readonly ctx: DecodeContext) {
    this.records = new TfRecordReader(ctx.file, (payload, recordNo) => this.record(payload, recordNo));
  }

  push(chunk: Buffer): void {
    this.records.push(chunk);
  }

  end(): void {
    const { file, out } = this.ctx;
    this.records.end();
    const count = this.records.count;
    if (count === 0) throw new ImportError(file, 'the file is empty; expected TFRecord-framed Event records');
    if (out.points === 0) throw new ImportError(file, `no scalar summaries in ${count} records`);
  }

  private record(payload: Buffer, recordNo: number): void {
    const event = decodeEvent(payload, this.ctx.file, recordNo);
    this.origin ??= event.wall_time;
    if (!event.summary) return;
    const step = int64ToNumber(event.step);
    if (!Number.isInteger(step) || step < 0) {
      throw new ImportError(this.ctx.file, `step is ${step}; expected a non-negative integer`, { record: recordNo });
    }
    for (const v of event.summary.value) this.value(v, step, event.wall_time - this.origin);
  }

  private value(v: SummaryValueMessage, step: number, time: number): void {
    const given = v.metadata?.plugin_data?.plugin_name;
    if (given) this.pluginOf.set(v.tag, given);
    const plugin = this.pluginOf.get(v.tag) ?? '';
    if (v.value === 'simple_value' && v.simple_value !== undefined) {
      return this.ctx.out.add(v.tag, step, shortestFloat32(v.simple_value), time);
    }
    if (v.value !== 'tensor' || !v.tensor) return this.skip(v.tag, 'not a scalar (histogram, image or audio)');
    if (plugin === 'text') return this.textParams(v);
    if (NON_SCALAR_PLUGINS.has(plugin)) return this.skip(v.tag, `not a scalar (plugin "${plugin}")`);
    const value = tensorScalar(v.tensor);
    if (value === undefined) return this.skip(v.tag, 'its tensor is not a one-element number');
    this.ctx.out.add(v.tag, step, value, time);
  }

  /** The Hugging Face Trainer logs its TrainingArguments as JSON text: the run's params. */
  private textParams(v: SummaryValueMessage): void {
    const text = v.tensor?.string_val?.[0];
    if (!v.tag.endsWith('args/text_summary') || !text) return this.skip(v.tag, 'text summary');
    try {
      const args: unknown = JSON.parse(Buffer.from(text).toString('utf8'));
      if (args && typeof args === 'object' && !Array.isArray(args)) Object.assign(this.ctx.out.params, args);
    } catch {
      this.skip(v.tag, 'text summary that is not JSON');
    }
  }

  private skip(tag: string, why: string): void {
    if (this.skipped.has(tag)) return;
    this.skipped.add(tag);
    this.ctx.out.warn(`skipped "${tag}": ${why}`);
  }
}

export const tfevents: ImportFormat = {
  name: 'tfevents',
  description: 'TensorBoard event file (events.out.tfevents.*): TFRecord-framed Event protobufs with scalar summaries',
  kind: 'stream',
  sniff,
  decoder: (ctx) => new EventFileDecoder(ctx),
};
