/**
 * One followed log: read new points as the trainer writes them (follow.ts) and append each batch to
 * one imported run in one transaction, with the canonical aliases of every key seen so far. The run's
 * source (trainer, aliases, params) is rewritten when a batch changes it, and the run is announced
 * with `run.changed` at most a few times a second, so every client's charts and lists move live.
 *
 * The run is claimed by this process (worker pid and heartbeat, as a training worker does), so a lab
 * starting later can tell a live follow from one whose process died (follow-service.ts).
 */
import type { FollowedLog, RunStatus } from '../../contract';
import type { SeriesInput } from '../../store';
import type { LabContext } from '../context';
import { announceRun } from '../records';
import { HEARTBEAT_MS } from '../runner/liveness';
import { resolveAliases, type AliasInfo } from './aliases';
import { followLog, type FollowBatch, type LogFollower } from './follow';
import { importGroupKey, toSeriesInputs } from './index';
import type { DecodeOptions, FileFormatName, ImportedSeries } from './types';

/** Shortest time between two announcements of the same run. */
const ANNOUNCE_MS = 250;

export interface FollowSpec {
  runId: number;
  file: string;
  format: FileFormatName;
  options: DecodeOptions;
  intervalMs: number;
}

/** How following ended when nobody asked it to fail. */
export interface FollowEnd {
  status: Extract<RunStatus, 'completed' | 'interrupted'>;
  /** Why, for an interrupted run (stored as the run's error). */
  note?: string;
}

/** The source an imported run records, as this follow knows it now. */
export function followSource(
  spec: Pick<FollowSpec, 'format' | 'file'>,
  params: Record<string, unknown>,
  info: AliasInfo,
) {
  return { format: spec.format, file: spec.file, params, ...info, warnings: [] as string[] };
}

export class FollowedRun {
  readonly info: FollowedLog;
  /** Settles once the run has its final status. */
  readonly done: Promise<void>;
  private readonly follower: LogFollower;
  private readonly keys = new Set<string>();
  private aliases: Record<string, string> = {};
  private sourceText: string;
  private end: FollowEnd = { status: 'completed' };
  private readonly beat: NodeJS.Timeout;
  private announceTimer: NodeJS.Timeout | null = null;
  private announcedAt = 0;

  constructor(
    private readonly ctx: LabContext,
    private readonly spec: FollowSpec,
    onEnd: (run: FollowedRun) => void,
  ) {
    this.info = {
      runId: spec.runId,
      file: spec.file,
      format: spec.format,
      startedAt: new Date().toISOString(),
      points: 0,
      lastStep: null,
      updatedAt: null,
    };
    this.sourceText = JSON.stringify(followSource(spec, {}, resolveAliases(spec.format, [], {})));
    this.follower = followLog(spec.file, { format: spec.format, options: spec.options, intervalMs: spec.intervalMs });
    this.beat = setInterval(() => this.heartbeat(), HEARTBEAT_MS);
    this.beat.unref();
    this.done = this.run().finally(() => onEnd(this));
  }

  /** Stops reading; the run ends as `end` says (a pending cancel request makes it completed). */
  stop(end: FollowEnd): Promise<void> {
    this.end = end;
    this.follower.stop();
    return this.done;
  }

  private async run(): Promise<void> {
    try {
      for await (const batch of this.follower) {
        if (!this.ctx.store.runExists(this.spec.runId)) return this.follower.stop(); // deleted meanwhile
        this.storeBatch(batch);
      }
      this.finish(this.end.status, this.end.note ?? null);
    } catch (err) {
      this.follower.stop();
      this.finish('failed', err instanceof Error ? err.message : String(err));
    }
  }

  /** Writes the batch (aliases included) and, when it changed, the source, in one transaction. */
  private storeBatch(batch: FollowBatch): void {
    const { store } = this.ctx;
    const before = new Set(this.keys);
    for (const key of batch.series.keys()) this.keys.add(key);
    const info = resolveAliases(batch.format, this.keys, batch.params);
    const inputs = toSeriesInputs(withAliasPoints(batch.series, info.aliases));
    const source = followSource(this.spec, batch.params, info);
    const sourceText = JSON.stringify(source);
    store.transaction(() => {
      store.bulkInsertSeries(this.spec.runId, [...inputs, ...this.backfill(info.aliases, before)]);
      if (sourceText !== this.sourceText) {
        store.setImportSource(this.spec.runId, source, importGroupKey(this.spec.format, batch.params, this.spec.file));
      }
    });
    this.aliases = info.aliases;
    this.sourceText = sourceText;
    this.info.points += inputs.reduce((n, s) => n + s.steps.length, 0);
    this.info.lastStep = maxStep(inputs, this.info.lastStep);
    this.info.updatedAt = new Date().toISOString();
    if (store.stopRequest(this.spec.runId) === 'cancelled') void this.stop({ status: 'completed' });
    this.announceSoon();
  }

  /**
   * Points stored before a key gained its alias (a later key changed which trainer the file is
   * from, or which aliases apply), copied under the new canonical name so the alias is whole.
   */
  private backfill(aliases: Record<string, string>, earlierKeys: ReadonlySet<string>): SeriesInput[] {
    const fresh = Object.entries(aliases).filter(
      ([canonical, key]) => canonical !== key && this.aliases[canonical] !== key && earlierKeys.has(key),
    );
    return fresh.map(([canonical, key]) => {
      const [stored] = this.ctx.store.series(this.spec.runId, [key]);
      return { key: canonical, steps: stored.steps, values: stored.values, times: stored.times };
    });
  }

  private heartbeat(): void {
    const { store } = this.ctx;
    store.heartbeat(this.spec.runId);
    if (store.stopRequest(this.spec.runId) === 'cancelled') void this.stop({ status: 'completed' });
  }

  private announceSoon(): void {
    if (this.announceTimer) return;
    const wait = Math.max(0, this.announcedAt + ANNOUNCE_MS - Date.now());
    this.announceTimer = setTimeout(() => this.announce(), wait);
  }

  private announce(): void {
    if (this.announceTimer) clearTimeout(this.announceTimer);
    this.announceTimer = null;
    this.announcedAt = Date.now();
    if (this.ctx.store.runExists(this.spec.runId)) announceRun(this.ctx, this.spec.runId);
  }

  private finish(status: RunStatus, error: string | null): void {
    clearInterval(this.beat);
    const { store } = this.ctx;
    // The quit dialog's "stop runs" cancels every running run before the lab closes.
    const asked = status === 'interrupted' && store.stopRequest(this.spec.runId) === 'cancelled';
    const final = asked ? 'completed' : status;
    store.endRun(this.spec.runId, process.pid, final, final === 'completed' ? null : error);
    this.announce();
  }
}

/** The batch's series plus each alias's points under its canonical name. */
function withAliasPoints(
  series: Map<string, ImportedSeries>,
  aliases: Record<string, string>,
): Map<string, ImportedSeries> {
  const out = new Map(series);
  for (const [canonical, key] of Object.entries(aliases)) {
    const points = series.get(key);
    if (points && canonical !== key) out.set(canonical, points);
  }
  return out;
}

function maxStep(inputs: SeriesInput[], last: number | null): number | null {
  for (const s of inputs) for (const step of s.steps) last = Math.max(last ?? step, step);
  return last;
}
