/**
 * A W&B run file (`wandb/offline-run-*` or `run-*` folders hold `run-<id>.wandb`), read with the
 * record format's own definition: LevelDB-log framing (wandbLog.ts) around `Record` protobufs
 * (wandbProto.ts). History rows become metric points, the run's config its params, and the summary
 * is kept as W&B left it.
 *
 * The step of a row: the run's step metric when it declared one (`define_metric("*",
 * step_metric=...)`, as Hugging Face's WandbCallback does with `train/global_step`), else
 * `train/global_step` or `trainer/global_step` (PyTorch Lightning) when the row has it, else W&B's
 * own `_step` (what `wandb.log(data, step=N)`, verl's way, sets). A row without the step metric
 * takes its latest value, as W&B's `step_sync` does.
 */
import { ImportError } from '../errors';
import { flattenParams } from '../pyLiteral';
import { metricValue, parseRelaxedJson } from '../values';
import { isStep, type DecodeContext, type Decoder, type Head, type ImportFormat } from './format';
import { startsWithWandbHeader, WandbLogReader } from './wandbLog';
import { toNumber, WandbRecordType, type HistoryItem, type KeyedJson, type WandbRecord } from './wandbProto';

/** Row keys W&B adds itself; `_timestamp` gives the point's time. */
const INTERNAL_KEYS = new Set(['_step', '_runtime', '_timestamp']);
/** Global-step keys trainers log beside their metrics, most common first. */
const GLOBAL_STEP_KEYS = ['train/global_step', 'trainer/global_step'];

function sniff(head: Head): string | null {
  return startsWithWandbHeader(head.bytes) ? 'the file starts with the ":W&B" header of a W&B run file' : null;
}

/** W&B shows a nested key (`wandb.log({"a": {"b": 1}})`) as `a.b`. */
export function itemKey(item: KeyedJson): string {
  return item.key || (item.nested_key ?? []).join('.');
}

function itemValue(item: HistoryItem): unknown {
  switch (item.value) {
    case 'number':
      return item.number;
    case 'integer':
      return toNumber(item.integer);
    case 'boolean':
      return item.boolean;
    case 'text':
      return item.text;
    case 'json':
      return parseRelaxedJson(item.json ?? 'null');
    case 'none':
      return null;
    default:
      return parseRelaxedJson(item.value_json ?? 'null');
  }
}

function describeValue(value: unknown): string {
  if (value !== null && typeof value === 'object' && '_type' in value) return `W&B ${String(value._type)}`;
  const text = JSON.stringify(value) ?? String(value);
  return `e.g. ${text.length > 40 ? `${text.slice(0, 40)}...` : text}`;
}

class WandbDecoder implements Decoder {
  private readonly reader: WandbLogReader;
  private stepMetric: string | null = null;
  private syncedStep: number | null = null;
  private origin: number | null = null;
  private history = 0;
  private exit: { exit_code?: number } | null = null;
  private readonly summary: Record<string, unknown> = {};
  private readonly skipped = new Set<string>();

  private readonly handlers: { [K in NonNullable<WandbRecord['record_type']>]: (r: WandbRecord) => void } = {
    run: (r) => this.run(r.run ?? {}),
    config: (r) => this.config(r.config?.update ?? [], r.config?.remove ?? []),
    history: (r) => this.row(r.history?.item ?? [], toNumber(r.history?.step?.num)),
    summary: (r) => this.applySummary(r.summary?.update ?? [], r.summary?.remove ?? []),
    metric: (r) => {
      if (r.metric?.glob_name === '*' && r.metric.step_metric) this.stepMetric = r.metric.step_metric;
    },
    exit: (r) => void (this.exit = r.exit ?? {}),
  };

  constructor(private readonly ctx: DecodeContext) {
    this.reader = new WandbLogReader(ctx.file, (payload, no) => this.record(payload, no));
  }

  push(chunk: Buffer): void {
    this.reader.push(chunk);
  }

  end(): void {
    const { out, file } = this.ctx;
    const { danglingBytes } = this.reader.end();
    if (danglingBytes > 0) {
      out.warn(`left out the last ${danglingBytes} bytes: they end inside a record (the run was still writing)`);
    }
    if (this.exit === null) out.warn('the run has no exit record: it was still running or did not finish cleanly');
    else if (this.exit.exit_code) out.warn(`the run exited with code ${this.exit.exit_code}`);
    if (Object.keys(this.summary).length > 0) out.external.summary = this.summary;
    if (this.history === 0) throw new ImportError(file, `no history rows in ${this.reader.count} records`);
    if (out.points === 0) throw new ImportError(file, `${this.history} history rows, none with a numeric metric`);
  }

  private record(payload: Buffer, recordNo: number): void {
    let record: WandbRecord;
    try {
      record = WandbRecordType.decode(payload) as unknown as WandbRecord;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new ImportError(this.ctx.file, `not a W&B Record protobuf (${why})`, { record: recordNo });
    }
    if (record.record_type) this.handlers[record.record_type](record);
  }

  private run(run: NonNullable<WandbRecord['run']>): void {
    const { external } = this.ctx.out;
    if (run.display_name) external.name = run.display_name;
    const ids: Record<string, string> = {};
    for (const [key, value] of Object.entries({
      run_id: run.run_id,
      project: run.project,
      entity: run.entity,
      group: run.run_group,
    })) {
      if (value) ids[key] = value;
    }
    if (run.tags?.length) ids.tags = run.tags.join(',');
    external.ids = { ...external.ids, ...ids };
    if (run.start_time?.seconds !== undefined) {
      this.origin ??= toNumber(run.start_time.seconds) + (run.start_time.nanos ?? 0) / 1e9;
    }
    this.config(run.config?.update ?? [], []);
    this.applySummary(run.summary?.update ?? [], []);
  }

  private config(updates: KeyedJson[], removes: KeyedJson[]): void {
    const { params } = this.ctx.out;
    for (const item of updates) {
      const key = itemKey(item);
      if (key === '_wandb') continue; // W&B's own bookkeeping
      Object.assign(params, flattenParams(this.json(item, key), key));
    }
    for (const item of removes) {
      const key = itemKey(item);
      for (const name of Object.keys(params)) if (name === key || name.startsWith(`${key}.`)) delete params[name];
    }
  }

  private applySummary(updates: KeyedJson[], removes: KeyedJson[]): void {
    for (const item of updates) setPath(this.summary, itemPath(item), this.json(item, itemKey(item)));
    for (const item of removes) setPath(this.summary, itemPath(item), undefined);
  }

  private json(item: KeyedJson, key: string): unknown {
    try {
      return parseRelaxedJson(item.value_json ?? 'null');
    } catch {
      this.skip(key, 'its value is not JSON');
      return undefined;
    }
  }

  private row(items: HistoryItem[], stepNum: number): void {
    this.history++;
    const row = new Map<string, unknown>();
    for (const item of items) {
      const key = itemKey(item);
      try {
        row.set(key, itemValue(item));
      } catch {
        this.skip(key, 'its value is not JSON');
      }
    }
    const { step, stepKey } = this.stepOf(row, stepNum);
    const timestamp = row.get('_timestamp');
    const time = typeof timestamp === 'number' ? timestamp - (this.origin ??= timestamp) : NaN;
    for (const [key, raw] of row) {
      if (INTERNAL_KEYS.has(key) || key === stepKey) continue;
      const value = typeof raw === 'boolean' ? undefined : metricValue(raw);
      if (value !== undefined) this.ctx.out.add(key, step, value, time);
      else this.skip(key, `its values are not numbers (${describeValue(raw)})`);
    }
  }

  private stepOf(row: Map<string, unknown>, stepNum: number): { step: number; stepKey: string | null } {
    const stepKey = this.stepMetric ?? GLOBAL_STEP_KEYS.find((k) => row.has(k)) ?? null;
    if (stepKey !== null) {
      const value = row.get(stepKey);
      if (isStep(value)) {
        this.syncedStep = value;
        return { step: value, stepKey };
      }
      if (value !== undefined) this.skip(stepKey, `it is the step metric but holds ${JSON.stringify(value)}`);
      if (this.syncedStep !== null) return { step: this.syncedStep, stepKey };
    }
    const own = row.get('_step');
    return { step: isStep(own) ? own : stepNum, stepKey };
  }

  private skip(key: string, why: string): void {
    if (this.skipped.has(key)) return;
    this.skipped.add(key);
    this.ctx.out.warn(`skipped "${key}": ${why}`);
  }
}

function itemPath(item: KeyedJson): string[] {
  return item.key ? [item.key] : (item.nested_key ?? []);
}

/** Sets (or with `undefined`, deletes) a value at a nested path, creating objects on the way. */
function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  if (path.length === 0) return;
  let node = target;
  for (const part of path.slice(0, -1)) {
    const next = node[part];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}

export const wandb: ImportFormat = {
  name: 'wandb',
  description: 'W&B run file (run-<id>.wandb in a wandb/offline-run-* or run-* folder): history, config and summary',
  kind: 'stream',
  sniff,
  decoder: (ctx) => new WandbDecoder(ctx),
};
