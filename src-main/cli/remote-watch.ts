/**
 * Watching remote runs from the command line until their jobs end (`cliplab submit`, `sweep --to`,
 * `watch`, `cancel`): the lab follows them (lab/remote), and this prints one live line and a note
 * per change of status or reachability. Ctrl-C stops watching only: the jobs keep running on the
 * cluster, and any cliplab that follows them later catches up.
 */
import { FINISHED_STATUSES, METRIC, type RunRecord } from '../contract';
import { toRunRecord, type LabService } from '../lab';
import type { CliIo } from './command';
import { formatValue } from './format';
import { liveLines, onStopSignals, signalExitCode, type StopSignal } from './terminal';

const POLL_MS = 1000;

const isEnded = (r: RunRecord) => FINISHED_STATUSES.includes(r.status) || r.status === 'interrupted';

function describe(run: RunRecord): string {
  const step = run.step === null ? '-' : `${run.step}${run.steps === null ? '' : `/${run.steps}`}`;
  const low = run.latest[METRIC.clipLowFrac];
  const high = run.latest[METRIC.clipHighFrac];
  const clip = low === undefined && high === undefined ? '' : ` clip low ${formatValue(low)} high ${formatValue(high)}`;
  return `run ${run.id} ${run.status} ${step}${clip}`;
}

/** What changed about a run worth a line of its own. */
function change(before: RunRecord | undefined, run: RunRecord): string | null {
  const job = run.origin === 'remote' ? run.remote : null;
  const prior = before?.origin === 'remote' ? before.remote : null;
  if (job?.unreachable && job.unreachable !== prior?.unreachable) return `run ${run.id}: ${job.unreachable}`;
  if (before && prior?.unreachable && !job?.unreachable) return `run ${run.id}: ${job?.target} answers again`;
  if (before?.status === run.status) return null;
  const where = job ? ` (Ray job ${job.jobId}: ${job.jobStatus ?? 'not accepted yet'})` : '';
  return `run ${run.id} ${run.status}: ${run.name}${where}${run.error ? ` - ${run.error}` : ''}`;
}

/**
 * Resolves once every run has ended, or with the exit code of the signal (Ctrl-C, SIGTERM, SIGHUP)
 * that stopped the watching.
 */
export function watchRemoteRuns(
  lab: LabService,
  ids: readonly number[],
  io: CliIo,
): Promise<{ signalCode: number | null }> {
  const line = liveLines(io.stderr, io.env);
  const seen = new Map<number, RunRecord>();
  const keys = [METRIC.entropy, METRIC.clipLowFrac, METRIC.clipHighFrac];
  return new Promise((resolve) => {
    const finish = (signal: StopSignal | null) => {
      clearInterval(timer);
      offSignals();
      line.done();
      resolve({ signalCode: signal === null ? null : signalExitCode(signal) });
    };
    const check = () => {
      const runs = ids.map((id) => {
        const row = lab.context.store.getRun(id, keys);
        return row ? toRunRecord(row) : null;
      });
      for (const run of runs) {
        if (!run) continue;
        const note = change(seen.get(run.id), run);
        if (note) line.note(note);
        seen.set(run.id, run);
      }
      const live = runs.filter((r): r is RunRecord => r !== null && !isEnded(r));
      if (live.length === 0) return finish(null);
      line.update([`${ids.length - live.length}/${ids.length} ended`, ...live.map(describe)]);
    };
    const offSignals = onStopSignals((signal) => {
      line.note('stopped watching; the jobs keep running on the cluster (`cliplab watch` follows them again)');
      finish(signal);
    });
    const timer = setInterval(check, POLL_MS);
    check();
  });
}
