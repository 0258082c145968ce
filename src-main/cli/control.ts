/** `cliplab control RUN [--p P]`: train a run's random-reward control in the foreground. */
import { createControlRun } from '../lab/runner';
import { UsageError, type CliIo, type Command, type ParsedArgs } from './command';
import { trainHere } from './foreground';
import { withRun } from './lab';
import { flagOption, positionals, stringOption } from './options';

const USAGE = `cliplab control RUN [--p P] [--json] [--db FILE]

Trains the random-reward control of a run (by id, or by its exact name): the same config and seed,
with rewards drawn Bernoulli(P) independently of the response, so its entropy change comes from
clipping and the optimizer alone. \`cliplab diagnose RUN\` then splits the run's entropy change
into the reward's part and the control's.

  --p P       reward probability, 0 to 1 (default: the run's mean reward/mean)
  --json      print { "run": {...}, "final": { "<metric>": value } } on stdout
  --db FILE   database (default: the app's; CLIPLAB_DB overrides)`;

function probability(args: ParsedArgs): number | undefined {
  const text = stringOption(args, 'p');
  if (text === undefined) return undefined;
  const p = Number(text);
  if (text.trim() === '' || !Number.isFinite(p) || p < 0 || p > 1) {
    throw new UsageError(`--p: expected a probability from 0 to 1, got "${text}"`);
  }
  return p;
}

export const controlCommand: Command = {
  name: 'control',
  summary: "Train a run's random-reward control (same config and seed, Bernoulli rewards)",
  usage: USAGE,
  flags: ['json'],
  options: ['p'],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const [ref] = positionals(args, ['RUN']);
    const p = probability(args);
    return withRun(args, io, ref, async (lab, run) => {
      const twin = createControlRun(lab.context, run.id, p);
      io.stderr.write(`run ${twin.id}: control of run ${twin.controlOf} (${twin.name})\n`);
      return trainHere(lab, twin.id, { resume: false, json: flagOption(args, 'json') }, io);
    });
  },
};
