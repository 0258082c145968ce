/**
 * The logs this lab follows (`imports.follow`, `imports.following`, `imports.stopFollow`). The lab
 * reads the file where it runs: in web mode that is the GPU box where a cluster job writes its log
 * beside `cliplab serve`, which is the point.
 *
 * How a follow ends (contract/api/follows.ts): stopped by the user -> `completed`; the lab closes ->
 * `interrupted`, with an error naming the file and the last step stored (the trainer may have
 * written more; following the file again reads it all into a new run); a malformed line -> `failed`
 * with the importer's message. A lab that starts finds runs whose follower process died and marks
 * them `interrupted` the same way.
 */
import {
  ApiError,
  MAX_FOLLOWS,
  type ApiHandlers,
  type ApiParsedArgs,
  type FollowedLog,
  type RunRecord,
} from '../../contract';
import { readFile } from 'node:fs/promises';
import type { LabContext } from '../context';
import { announceRun, readRun } from '../records';
import { isOwnerGone } from '../runner/liveness';
import { APP_VERSION } from '../version';
import { resolveAliases } from './aliases';
import { decodeContainer, findContainer, type FoundContainer } from './containers';
import { detectFormat, readHead, type FileDetection } from './detect';
import { ImportError } from './errors';
import { followSource, FollowedRun, type FollowSpec } from './follow-run';
import { resolveLogPath } from './follow-path';
import { defaultRunName, importGroupKey } from './index';
import { isStoreFormat, type FileFormatName } from './types';

type FollowCalls = 'imports.follow' | 'imports.following' | 'imports.stopFollow';

const NO_METRICS_YET = 'to follow a log that has no metrics yet, choose its format';

/** The format of a log about to be followed: chosen, or told by what the file holds now. */
async function formatToFollow(file: string, format: ApiParsedArgs<'imports.follow'>['format']): Promise<FileDetection> {
  if (format !== 'auto' && isStoreFormat(format)) {
    throw new ApiError('bad_request', `an MLflow store cannot be followed; import ${file} instead`, [
      { path: 'format', message: 'expected a log format' },
    ]);
  }
  const head = await readHead(file);
  const container = head.bytes.length > 0 ? findContainer(head) : null;
  if (container) return formatInContainer(file, container, format);
  if (format !== 'auto') return { format, reason: 'chosen by the user' };
  if (head.bytes.length === 0) {
    throw new ApiError('bad_request', `${file} is empty, so its format cannot be detected yet; ${NO_METRICS_YET}`, [
      { path: 'format', message: `choose the format of ${file}` },
    ]);
  }
  try {
    return detectFormat(head);
  } catch (err) {
    if (!(err instanceof ImportError)) throw err;
    throw new ApiError('bad_request', `${err.message}; ${NO_METRICS_YET}`, [
      { path: 'format', message: `choose the format of ${file}` },
    ]);
  }
}

/** A Kaggle log or notebook is followed as the format of the text inside it. */
async function formatInContainer(
  file: string,
  found: FoundContainer,
  format: FileFormatName | 'auto',
): Promise<FileDetection> {
  try {
    const parsed = decodeContainer(await readFile(file), file, found, format, {});
    return { format: parsed.detection.format as FileFormatName, reason: parsed.detection.reason };
  } catch (err) {
    if (!(err instanceof ImportError)) throw err;
    if (format !== 'auto') return { format, reason: 'chosen by the user' };
    throw new ApiError('bad_request', `${err.message}; ${NO_METRICS_YET}`, [
      { path: 'format', message: `choose the format of the log inside ${file}` },
    ]);
  }
}

function stoppedNote(file: string, lastStep: number | null, why: string): string {
  const at = lastStep === null ? 'before any metrics were stored' : `after step ${lastStep}`;
  return `following ${file} stopped ${at}: ${why}; follow or import the file again for what the trainer wrote since`;
}

/** The file a stored source names (the log, if the row cannot be read). */
function fileOf(source: string | null): string {
  try {
    const file = (JSON.parse(source ?? '{}') as { file?: unknown }).file;
    return typeof file === 'string' ? file : 'the log';
  } catch {
    return 'the log';
  }
}

export class FollowService {
  private readonly active = new Map<number, FollowedRun>();
  private closed = false;

  constructor(private readonly ctx: LabContext) {
    this.reapOrphans();
  }

  async follow(args: ApiParsedArgs<'imports.follow'>): Promise<RunRecord> {
    this.assertOpen();
    const file = await resolveLogPath(args.path);
    const detection = await formatToFollow(file, args.format);
    this.assertOpen();
    this.assertFree(file);
    const { store } = this.ctx;
    const spec: Omit<FollowSpec, 'runId'> = {
      file,
      format: detection.format,
      options: { stepColumn: args.stepColumn },
      intervalMs: args.intervalMs,
    };
    const runId = store.transaction(() => {
      const id = store.createRun({
        name: args.name ?? defaultRunName(file),
        origin: 'imported',
        status: 'running',
        source: followSource(spec, {}, resolveAliases(detection.format, [], {})),
        groupKey: importGroupKey(detection.format, {}, file),
        appVersion: APP_VERSION,
      });
      store.setRunStatus(id, 'running');
      store.setRunWorker(id, process.pid);
      return id;
    });
    this.active.set(runId, new FollowedRun(this.ctx, { ...spec, runId }, (f) => this.forget(f)));
    return announceRun(this.ctx, runId);
  }

  following(): FollowedLog[] {
    return [...this.active.values()].map((f) => ({ ...f.info }));
  }

  async stop(id: number): Promise<RunRecord> {
    const followed = this.active.get(id);
    if (followed) {
      await followed.stop({ status: 'completed' });
      return readRun(this.ctx, id);
    }
    return this.completeOrphan(id);
  }

  /** Ends every follow as interrupted; the lab calls this before it closes the store. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [...this.active.values()].map((f) =>
        f.stop({ status: 'interrupted', note: stoppedNote(f.info.file, f.info.lastStep, 'cliplab closed') }),
      ),
    );
  }

  private forget(followed: FollowedRun): void {
    if (this.active.get(followed.info.runId) === followed) this.active.delete(followed.info.runId);
  }

  private assertOpen(): void {
    if (this.closed) throw new ApiError('unavailable', 'the lab is closing; it follows no new logs');
  }

  private assertFree(file: string): void {
    const same = [...this.active.values()].find((f) => f.info.file === file);
    if (same) {
      throw new ApiError('conflict', `${file} is already followed into run ${same.info.runId}`, [
        { path: 'path', message: `already followed into run ${same.info.runId}` },
      ]);
    }
    if (this.active.size >= MAX_FOLLOWS) {
      throw new ApiError('conflict', `this lab already follows ${MAX_FOLLOWS} logs; stop one before following another`);
    }
  }

  /** An imported run still `running` that no follower here owns: completed, unless a live process owns it. */
  private completeOrphan(id: number): RunRecord {
    const run = readRun(this.ctx, id);
    if (run.origin !== 'imported' || run.status !== 'running') {
      throw new ApiError('conflict', `run ${id} is not being followed (it is ${run.origin}, ${run.status})`);
    }
    const row = this.ctx.store.getRun(id);
    const pid = row?.workerPid ?? null;
    if (pid !== null && !isOwnerGone(pid, row?.heartbeatAt ?? null)) {
      throw new ApiError('conflict', `run ${id} is followed by another cliplab process (pid ${pid}); stop it there`);
    }
    if (pid === null) this.ctx.store.setRunStatus(id, 'completed');
    else this.ctx.store.endRun(id, pid, 'completed');
    return announceRun(this.ctx, id);
  }

  /** Runs left `running` by a follower process that is gone (crash, kill, power loss). */
  private reapOrphans(): void {
    const { store } = this.ctx;
    for (const id of store.runIdsWithStatus(['running'])) {
      const row = store.getRun(id);
      if (!row || row.origin !== 'imported' || row.workerPid === null) continue;
      if (!isOwnerGone(row.workerPid, row.heartbeatAt)) continue;
      const file = fileOf(row.source);
      const why = `the cliplab process following it (pid ${row.workerPid}) is gone`;
      if (store.markInterrupted(id, row.workerPid, stoppedNote(file, row.lastStep, why))) announceRun(this.ctx, id);
    }
  }
}

export function followHandlers(service: FollowService): Pick<ApiHandlers, FollowCalls> {
  return {
    'imports.follow': (a) => service.follow(a),
    'imports.following': () => service.following(),
    'imports.stopFollow': ({ id }) => service.stop(id),
  };
}
