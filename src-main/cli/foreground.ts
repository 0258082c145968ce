/**
 * Training one run in the foreground with a progress bar on stderr (`cliplab train`, `resume`,
 * `control`): the worker code runs in a child process this command waits for. Ctrl-C, `kill`
 * (SIGTERM) and a closed terminal (SIGHUP) stop after the step in flight, checkpoint, and leave the
 * run `interrupted` (resumable); a second one ends the worker at once (the run is still interrupted,
 * from its last checkpoint). Either way this command waits for its worker, so none is left behind.
 */
import { documentJson, formatClock, formatNumber, type RunRecord } from '../contract';
import { HEADLINE_KEYS, readRun, type LabService } from '../lab';
import { finalMetrics, trainInChild } from '../lab/runner';
import type { CliIo } from './command';
import { runProgress } from './progress';
import { onStopSignals, signalExitCode, type StopSignal } from './terminal';

/** Exit code of an interrupted run when no signal says otherwise (128 + SIGINT), as shells expect. */
const EXIT_INTERRUPTED = 130;

export interface ForegroundResult {
  run: RunRecord;
  final: Record<string, number | null>;
}

function summary(result: ForegroundResult): string {
  const { run, final } = result;
  const steps = run.step === null ? 0 : run.step + 1;
  const parts = [`run ${run.id} ${run.status}: ${steps}/${run.steps} steps`];
  for (const key of HEADLINE_KEYS) {
    if (final[key] !== undefined && final[key] !== null) parts.push(`${key} ${formatNumber(final[key])}`);
  }
  if (run.backend) parts.push(`backend ${run.backendDetail ?? run.backend}`);
  if (run.startedAt && run.finishedAt) {
    parts.push(`${formatClock((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000)} since it started`);
  }
  return parts.join(', ');
}

/** Trains `runId` here; writes the result (JSON or a summary) to stdout and returns the exit code. */
export async function trainHere(
  lab: LabService,
  runId: number,
  opts: { resume: boolean; json: boolean },
  io: CliIo,
): Promise<number> {
  const progress = runProgress(io.stderr, `run ${runId}`, io.env);
  const child = trainInChild(lab.context, runId, { resume: opts.resume, report: progress.report });
  let stoppedBy: StopSignal | null = null;
  const stopListening = onStopSignals((signal, count) => {
    stoppedBy ??= signal;
    if (count === 1) {
      child.stop('interrupted');
      progress.line.note(`${signal}: stopping run ${runId} after the step in flight (again ends it at once)`);
    } else {
      progress.line.note(`ending run ${runId} now; it continues from its last checkpoint`);
      child.kill();
    }
  });
  let outcome;
  try {
    outcome = await child.done;
  } finally {
    stopListening();
    progress.line.done();
  }
  const result = { run: readRun(lab.context, runId), final: finalMetrics(lab.context, runId) };
  io.stdout.write(opts.json ? `${documentJson(result, 2)}\n` : `${summary(result)}\n`);
  if (outcome.status === 'completed') return 0;
  if (outcome.status === 'interrupted') {
    io.stderr.write(`run ${runId} interrupted at its last checkpoint; continue it with \`cliplab resume ${runId}\`\n`);
    return stoppedBy ? signalExitCode(stoppedBy) : EXIT_INTERRUPTED;
  }
  io.stderr.write(`run ${runId} ${outcome.status}${outcome.error ? `: ${outcome.error}` : ''}\n`);
  return 1;
}
