/** `cliplab train`: one run in the foreground, with a progress bar on stderr. */
import { createLocalRun } from '../lab';
import type { CliIo, Command, ParsedArgs } from './command';
import { trainHere } from './foreground';
import { configFromArgs } from './config-args';
import { withLab } from './lab';
import { describeInspection } from './model-info';
import { flagOption, positionals, stringOption } from './options';

const USAGE = `cliplab train [--preset NAME] [--config FILE] [--set key=value]... [--name N] [--json] [--db FILE]

Trains one run in this process and stores it (metrics, samples, checkpoints) in the database, with
a progress bar on stderr. The config is the preset (else the defaults), then FILE merged over it,
then each --set in order. Ctrl-C stops after the step in flight and leaves the run interrupted:
\`cliplab resume RUN\` continues it.

  --preset NAME      start from a named config (\`cliplab presets\` lists them)
  --config FILE      a JSON file of config keys (partial: the rest stays as it is)
  --set key=value    any config key by dotted path; values are JSON where they parse, "off" for a
                     clip or gradient clip switched off ("none" and "inf" are read the same), e.g.
                     --set objective.clipHigh=off --set objective.clipLow=off (stored as 1)
                     --set task.kind=sort --set policy.base.labelNoise=0.2 --set backend=wasm
  --name N           the run's name
  --json             print { "run": {...}, "final": { "<metric>": value } } on stdout
  --db FILE          database (default: the app's; CLIPLAB_DB overrides)

Exit code: 0 completed, 130 interrupted, 1 failed, cancelled or diverged.`;

export const trainCommand: Command = {
  name: 'train',
  summary: 'Train one run in the foreground (progress on stderr)',
  usage: USAGE,
  flags: ['json'],
  options: ['preset', 'config', 'set', 'name'],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    positionals(args, []);
    const config = configFromArgs(args);
    return withLab(args, io, async (lab) => {
      if (config.policy.kind === 'hf') {
        // Shown before the run starts: the worker refuses a run that cannot fit, naming what to lower.
        const info = await lab.handlers['models.inspect']({ path: config.policy.path, config });
        for (const line of describeInspection(info)) io.stderr.write(`${line}\n`);
      }
      const run = createLocalRun(lab.context, config, { name: stringOption(args, 'name') });
      return trainHere(lab, run.id, { resume: false, json: flagOption(args, 'json') }, io);
    });
  },
};
