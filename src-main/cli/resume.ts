/** `cliplab resume RUN`: continue an interrupted, cancelled or failed run from its last checkpoint. */
import type { CliIo, Command, ParsedArgs } from './command';
import { trainHere } from './foreground';
import { withRun } from './lab';
import { flagOption, positionals } from './options';

const USAGE = `cliplab resume RUN [--json] [--db FILE]

Continues a run (by id, or by its exact name) that was interrupted (Ctrl-C, a crash, the app closing),
cancelled or failed, from its last checkpoint, in this process with a progress bar on stderr. Steps
after the checkpoint are trained again, so every step is stored exactly once.

  --json      print { "run": {...}, "final": { "<metric>": value } } on stdout
  --db FILE   database (default: the app's; CLIPLAB_DB overrides)`;

export const resumeCommand: Command = {
  name: 'resume',
  summary: 'Continue an interrupted, cancelled or failed run from its last checkpoint',
  usage: USAGE,
  flags: ['json'],
  options: [],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const [ref] = positionals(args, ['RUN']);
    return withRun(args, io, ref, (lab, run) =>
      trainHere(lab, run.id, { resume: true, json: flagOption(args, 'json') }, io),
    );
  },
};
