/** `cliplab export-config RUN --to verl|trl`: a run's config as verl overrides or a TRL GRPOConfig. */
import { EXPORT_TARGETS, type ExportTarget } from '../contract';
import { dispatch } from '../lab';
import { UsageError, type Command } from './command';
import { withRun } from './lab';
import { flagOption, positionals, stringOption } from './options';

const USAGE = `cliplab export-config RUN --to verl|trl [--probe] [--db FILE]

Prints the run's settings for a trainer that runs real LLMs: verl Hydra overrides for
verl.trainer.main_ppo, or TRL GRPOConfig(...) arguments. A comment block lists what carries over
only approximately and what has no counterpart there (cliplab's toy tasks, random-reward controls,
...). RUN is a run id or its exact name; imported runs have no cliplab config to export.

  --to verl|trl   the target trainer
  --probe         also attach cliplab-probe, so the run streams cliplab's clip diagnostics back
                  (verl: its policy loss, external_lib and stream path; TRL: attach_probe)
  --db FILE       database (default: the app's; CLIPLAB_DB overrides)`;

export const exportConfigCommand: Command = {
  name: 'export-config',
  summary: "Print a run's config as verl overrides or a TRL GRPOConfig",
  usage: USAGE,
  flags: ['probe'],
  options: ['to'],
  async run(args, io) {
    const [ref] = positionals(args, ['RUN']);
    const to = stringOption(args, 'to');
    if (to === undefined) throw new UsageError(`--to is required: one of ${EXPORT_TARGETS.join(', ')}`);
    if (!(EXPORT_TARGETS as readonly string[]).includes(to)) {
      throw new UsageError(`--to: expected one of ${EXPORT_TARGETS.join(', ')}, got "${to}"`);
    }
    return withRun(args, io, ref, async (lab, run) => {
      const probe = flagOption(args, 'probe');
      io.stdout.write(await dispatch(lab, 'runs.exportConfig', { id: run.id, to: to as ExportTarget, probe }));
      return 0;
    });
  },
};
