/** `cliplab presets`: the named configs a run can start from. */
import { dispatch } from '../lab';
import type { CliIo, Command, ParsedArgs } from './command';
import { withLab } from './lab';
import { flagOption, positionals } from './options';

const USAGE = `cliplab presets [--json] [--db FILE]

Lists the presets: named configs for \`cliplab train --preset NAME\`.

  --json      print a JSON array of presets (name, title, description, config)
  --db FILE   database (default: the app's; CLIPLAB_DB overrides)`;

export const presetsCommand: Command = {
  name: 'presets',
  summary: 'List the named run configs',
  usage: USAGE,
  flags: ['json'],
  options: [],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    positionals(args, []);
    return withLab(args, io, async (lab) => {
      const presets = await dispatch(lab, 'presets.list', {});
      if (flagOption(args, 'json')) {
        io.stdout.write(`${JSON.stringify(presets, null, 2)}\n`);
        return 0;
      }
      const width = Math.max(...presets.map((p) => p.name.length));
      for (const p of presets)
        io.stdout.write(`${p.name.padEnd(width)}  ${p.title}\n${' '.repeat(width + 2)}${p.description}\n`);
      return 0;
    });
  },
};
