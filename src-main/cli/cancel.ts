/** `cliplab cancel RUN`: cancel a queued run, or stop a running one after its step in flight. */
import { documentJson } from '../contract';
import { dispatch } from '../lab';
import type { CliIo, Command, ParsedArgs } from './command';
import { withRun } from './lab';
import { flagOption, positionals } from './options';

const USAGE = `cliplab cancel RUN [--json] [--db FILE]

Cancels a run (by id, or by its exact name). A queued run leaves the queue; a running one (in the app,
a sweep or another terminal) stops after the step in flight and keeps its data; an interrupted one
is marked cancelled.

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
      const run = await dispatch(lab, 'runs.cancel', { id });
      if (flagOption(args, 'json')) io.stdout.write(`${documentJson(run, 2)}\n`);
      else if (run.status === 'running') {
        io.stdout.write(`run ${run.id}: cancel requested; it stops after the step in flight\n`);
      } else io.stdout.write(`run ${run.id} cancelled\n`);
      return 0;
    });
  },
};
