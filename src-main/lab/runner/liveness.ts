/**
 * Telling a live worker from a dead one. A worker records its pid and refreshes a heartbeat while it
 * trains; a run marked running whose process is gone (crash, kill -9, power loss, app closed) or
 * whose heartbeat is long stale (its pid reused by some other program) is `interrupted`: resumable
 * from its last checkpoint (issue 4).
 */
import fs from 'node:fs';
import type { Store } from '../../store';
import type { WorkerExit } from './spawn';

/** How often a worker refreshes its heartbeat. */
export const HEARTBEAT_MS = 10_000;
/**
 * A heartbeat older than this means the recorded process is not the worker any more (its pid
 * reused). Long: a worker beats between tfjs calls, and one update of a 135M-parameter model with
 * exact attribution is a single synchronous call that took over 15 minutes on a loaded 2-core
 * machine, its live worker then reaped as dead.
 */
export const STALE_MS = 2 * 60 * 60_000;

/**
 * The state letter of a process from Linux's /proc/<pid>/stat (R, S, D, Z, ...), or null where there
 * is no /proc (macOS, Windows) or no such process. The command name in parentheses may itself hold
 * spaces and parentheses, so the state is read after the last ')'.
 */
export function processState(pid: number, procRoot = '/proc'): string | null {
  try {
    const stat = fs.readFileSync(`${procRoot}/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) || null;
  } catch {
    return null;
  }
}

/**
 * Whether a process with this pid runs (EPERM: it exists but belongs to another user). A zombie — a
 * worker that has exited but whose parent has not reaped it yet, which here can take a second — still
 * answers `kill(pid, 0)`, but trains nothing: it counts as gone.
 */
export function isProcessAlive(pid: number, procRoot = '/proc'): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const state = processState(pid, procRoot);
  return state !== 'Z' && state !== 'X';
}

/** Whether the recorded owner of a run or base-model build is gone. */
export function isOwnerGone(pid: number | null, heartbeatAt: string | null, now = Date.now()): boolean {
  if (pid === null || !isProcessAlive(pid)) return true;
  const beat = heartbeatAt === null ? NaN : Date.parse(heartbeatAt);
  return !Number.isFinite(beat) || now - beat > STALE_MS;
}

/** Marks every running run whose worker is gone as interrupted; returns their ids. */
export function reapDeadWorkers(store: Store, now = Date.now()): number[] {
  const reaped: number[] = [];
  for (const w of store.runningWorkers()) {
    if (!isOwnerGone(w.pid, w.heartbeatAt, now)) continue;
    const why =
      w.pid === null ? 'no worker process was recorded' : `its worker process (pid ${w.pid}) is no longer running`;
    if (store.markInterrupted(w.runId, w.pid, `interrupted: ${why}; resume continues from the last checkpoint`)) {
      reaped.push(w.runId);
    }
  }
  return reaped;
}

/** Runs training now whose workers are alive (in any process on this database). */
export function liveRunIds(store: Store, now = Date.now()): number[] {
  return store
    .runningWorkers()
    .filter((w) => !isOwnerGone(w.pid, w.heartbeatAt, now))
    .map((w) => w.runId);
}

/**
 * After a worker process exited: if it died before recording how its run ended, the run is left
 * resumable (interrupted) once the worker had taken it over, or failed if it never got that far
 * (it could not even start). Returns whether the run was changed here.
 */
export function settleWorkerExit(
  store: Store,
  runId: number,
  workerPid: number | undefined,
  exit: WorkerExit,
): boolean {
  const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
  const output = exit.output ? `: ${exit.output.split('\n').slice(-5).join('\n')}` : '';
  const error = `the worker process ended unexpectedly (${how})${output}`;
  return (
    (workerPid !== undefined && store.endRun(runId, workerPid, 'interrupted', error)) ||
    store.endRun(runId, process.pid, 'failed', error)
  );
}
