/**
 * Runs as a TensorBoard log folder, so a collaborator without cliplab can look at them: one
 * subfolder per run (TensorBoard shows each folder as a run; a seed group's runs sit side by side),
 * each holding one event file: TFRecord-framed `Event` protobufs (the same framing and messages the
 * importer reads, formats/tfrecord.ts and eventProto.ts).
 *
 * Scalars are written as `simple_value`, the float32 field PyTorch's SummaryWriter uses, which every
 * TensorBoard reader understands; values keep float32 precision (about 7 digits). Every point of a
 * step goes in one event, stamped with the run's start plus the point's own time. The run's config
 * (or an imported run's params) goes in as a text summary, shown by TensorBoard's Text tab.
 */
import { encodeEvent } from '../import/formats/eventProto';
import { frameTfRecord } from '../import/formats/tfrecord';
import type { RunRecord, Series } from '../../contract';

/** TensorFlow's DataType for strings (types.proto). */
const DT_STRING = 7;

export interface TfeventsRun {
  run: RunRecord;
  series: Series[];
}

export interface EventFile {
  /** Relative to the export folder: `<run folder>/events.out.tfevents.<seconds>.cliplab.<id>.0`. */
  path: string;
  bytes: Buffer;
}

/** A folder name for the run: its id (unique) and a filesystem-safe form of its name. */
export function runFolderName(run: Pick<RunRecord, 'id' | 'name'>): string {
  const safe = run.name
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return safe ? `${run.id}-${safe}` : String(run.id);
}

/** Seconds since 1970 at which the run started (its creation when it never started). */
function startSeconds(run: RunRecord): number {
  return Date.parse(run.startedAt ?? run.createdAt) / 1000;
}

function textEvent(wallTime: number, tag: string, text: string): Record<string, unknown> {
  return {
    wall_time: wallTime,
    step: 0,
    summary: {
      value: [
        {
          tag,
          metadata: { plugin_data: { plugin_name: 'text' } },
          tensor: { dtype: DT_STRING, tensor_shape: { dim: [{ size: 1 }] }, string_val: [Buffer.from(text, 'utf8')] },
        },
      ],
    },
  };
}

/** What the run was made with, as Markdown (TensorBoard renders text summaries as Markdown). */
function describeRun(run: RunRecord): string {
  const settings = run.origin === 'imported' ? run.source.params : run.config;
  const head = `cliplab run ${run.id} "${run.name}" (${run.origin}, ${run.status})`;
  return `${head}\n\n\`\`\`json\n${JSON.stringify(settings, null, 2)}\n\`\`\``;
}

interface Point {
  tag: string;
  value: number;
  time: number | null;
}

/** Points of every series, grouped by step in step order. */
function pointsByStep(series: Series[]): Map<number, Point[]> {
  const byStep = new Map<number, Point[]>();
  for (const s of series) {
    s.steps.forEach((step, i) => {
      // The store keeps NaN as null (SQLite has no NaN); a point that exists was logged, so it is NaN.
      const value = s.values[i] ?? NaN;
      const list = byStep.get(step) ?? [];
      list.push({ tag: s.key, value, time: s.times[i] });
      byStep.set(step, list);
    });
  }
  return new Map([...byStep].sort((a, b) => a[0] - b[0]));
}

/** The event file of one run. */
export function runEventFile({ run, series }: TfeventsRun): EventFile {
  const start = startSeconds(run);
  const events: Record<string, unknown>[] = [
    { wall_time: start, step: 0, file_version: 'brain.Event:2' },
    textEvent(start, 'cliplab/run', describeRun(run)),
  ];
  let clock = start;
  for (const [step, points] of pointsByStep(series)) {
    const time = points.find((p) => p.time !== null)?.time;
    clock = time !== undefined && time !== null ? Math.max(clock, start + time) : clock;
    events.push({
      wall_time: clock,
      step,
      summary: { value: points.map((p) => ({ tag: p.tag, simple_value: p.value })) },
    });
  }
  const bytes = Buffer.concat(events.map((e) => frameTfRecord(encodeEvent(e))));
  const name = `events.out.tfevents.${Math.floor(start)}.cliplab.${run.id}.0`;
  return { path: `${runFolderName(run)}/${name}`, bytes };
}
