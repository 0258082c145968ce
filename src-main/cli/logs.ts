/** `cliplab logs RUN`: the end of a remote run's job log, fetched from its Ray cluster now. */
import { documentJson } from '../contract';
import { dispatch } from '../lab';
import { UsageError, type CliIo, type Command, type ParsedArgs } from './command';
import { withRun } from './lab';
import { flagOption, positionals, stringOption } from './options';

const USAGE = `cliplab logs RUN [--lines N] [--json] [--db FILE]

Prints the last lines of a remote run's job log (the trainer's output, and Ray's forwarded output of
its workers), as the cluster's dashboard serves it now.

  --lines N   how many lines (default 100, at most 10000)
  --json      print { "runId", "target", "jobId", "text", "totalLines", "fetchedAt" }
  --db FILE   database (default: the app's; CLIPLAB_DB overrides)`;

export const logsCommand: Command = {
  name: 'logs',
  summary: "Print the end of a remote run's job log",
  usage: USAGE,
  flags: ['json'],
  options: ['lines'],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const [ref] = positionals(args, ['RUN']);
    const text = stringOption(args, 'lines') ?? '100';
    const lines = Number(text);
    if (!/^\d+$/.test(text) || lines < 1 || lines > 10_000) {
      throw new UsageError(`--lines: expected an integer from 1 to 10000, got "${text}"`);
    }
    return withRun(args, io, ref, async (lab, run) => {
      const tail = await dispatch(lab, 'remote.logs', { id: run.id, lines });
      if (flagOption(args, 'json')) io.stdout.write(`${documentJson(tail, 2)}\n`);
      else io.stdout.write(tail.text.endsWith('\n') || tail.text === '' ? tail.text : `${tail.text}\n`);
      return 0;
    });
  },
};
