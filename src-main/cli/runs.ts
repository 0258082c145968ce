/** `cliplab runs`: the stored runs as a table, or as JSON. */
import { documentJson } from '../contract';
import { dispatch } from '../lab';
import { MISSING, type ApiArgs, type RunRecord, type RunStatus } from '../contract';
import type { CliIo, Command, ParsedArgs } from './command';
import { formatTime, formatValue, table, truncate } from './format';
import { readLab } from './lab';
import { flagOption, listOption, positionals, stringOption } from './options';

const USAGE = `cliplab runs [--json] [--status S,...] [--tag T]... [--text WORDS] [--db FILE]

Lists the runs in the database, oldest first.

  --json          print a JSON array of run objects (id, name, status, config, ...)
  --status S,...  only runs in these statuses (queued, running, completed, failed, cancelled,
                  interrupted, diverged)
  --tag T         only runs with this tag (repeat for several; all must match)
  --text WORDS    only runs whose name, notes or tags contain this text
  --db FILE       database (default: the app's; CLIPLAB_DB overrides)`;

function progress(run: RunRecord): string {
  const done = run.step === null ? MISSING : String(run.step + 1);
  return run.steps === null ? done : `${done}/${run.steps}`;
}

export function runsTable(runs: readonly RunRecord[]): string {
  const rows = runs.map((r) => [
    String(r.id),
    truncate(r.name, 40),
    r.status,
    progress(r),
    formatValue(r.latest.entropy),
    formatValue(r.latest['reward/mean']),
    formatValue(r.latest['eval/acc']),
    truncate(r.tags.join(','), 24),
    formatTime(r.createdAt),
  ]);
  return table(['ID', 'NAME', 'STATUS', 'STEPS', 'ENTROPY', 'REWARD', 'EVAL ACC', 'TAGS', 'CREATED'], rows);
}

export const runsCommand: Command = {
  name: 'runs',
  summary: 'List stored runs',
  usage: USAGE,
  flags: ['json'],
  options: ['status', 'tag', 'text'],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    positionals(args, []);
    const filter: ApiArgs<'runs.list'> = {
      // Checked against the list of statuses by the dispatcher, which names a wrong one.
      status: listOption(args, 'status') as RunStatus[] | undefined,
      tags: listOption(args, 'tag'),
      text: stringOption(args, 'text'),
    };
    return readLab(args, io, async (lab) => {
      const runs = await dispatch(lab, 'runs.list', filter);
      if (flagOption(args, 'json')) io.stdout.write(`${documentJson(runs, 2)}\n`);
      else if (runs.length === 0) io.stdout.write(`no runs in ${lab.dbPath}\n`);
      else io.stdout.write(`${runsTable(runs)}\n`);
      return 0;
    });
  },
};
