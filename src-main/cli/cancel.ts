/**
 * `cliplab cancel RUN`: cancel a queued run, or stop a running one after its step in flight. A
 * remote run's job is stopped on its cluster, and the command waits until Ray reports it stopped.
 */
import { documentJson, type RunRecord } from '../contract';
import { dispatch, type LabService } from '../lab';
import type { CliIo, Command, ParsedArgs } from './command';
import { withRun } from './lab';
import { flagOption, positionals } from './options';
import { watchRemoteRuns } from './remote-watch';

/** Waits for Ray to stop the job, unless the stop could not be sent (it goes out when the cluster answers). */
async function untilStopped(lab: LabService, run: RunRecord, io: CliIo): Promise<RunRecord> {
  if (run.origin !== 'remote' || (run.status !== 'running' && run.status !== 'queued')) return run;
  if (run.remote.unreachable) {
    io.stderr.write(`${run.remote.unreachable}
`);
    return run;
  }
  io.stderr.write(`stop sent to ${run.remote.target} (job ${run.remote.jobId}); waiting for Ray to stop it\n`);
  lab.remote.follow([run.id]);
  await watchRemoteRuns(lab, [run.id], io);
  return dispatch(lab, 'runs.get', { id: run.id });
}

const USAGE = `cliplab cancel RUN [--json] [--db FILE]

Cancels a run (by id, or by its exact name). A queued run leaves the queue; a running one (in the app,
a sweep or another terminal) stops after the step in flight and keeps its data; an interrupted one
is marked cancelled. A remote run's Ray job is stopped on its cluster (the run ends cancelled when Ray
reports the job STOPPED; if the cluster does not answer, the stop is sent once it does).

  --json      print the run as JSON
  --db FILE   database (default: the app's; CLIPLAB_DB overrides)`;

export const cancelCommand: Command = {
  name: 'cancel',
  summary: 'Cancel a queued or running run',
  usage: USAGE,
  flags: ['json'],
  options: [],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const [ref] = positionals(args, ['RUN']);
    return withRun(args, io, ref, async (lab, { id }) => {
      const run = await untilStopped(lab, await dispatch(lab, 'runs.cancel', { id }), io);
      if (flagOption(args, 'json')) io.stdout.write(`${documentJson(run, 2)}\n`);
      else if (run.status === 'running') {
        io.stdout.write(`run ${run.id}: cancel requested; it stops after the step in flight\n`);
      } else io.stdout.write(`run ${run.id} cancelled\n`);
      return 0;
    });
  },
};
