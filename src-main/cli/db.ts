/** `cliplab db check`: integrity, foreign keys and schema of the database, without changing it. */
import { checkDatabase } from '../lab';
import { UsageError, type CliIo, type Command, type ParsedArgs } from './command';
import { dbPathOf } from './lab';
import { flagOption } from './options';

const USAGE = `cliplab db check [--json] [--db FILE]

Checks the database file read-only: SQLite's integrity check, foreign keys, and the schema against
the one this cliplab expects. Exits 0 when all is well, 1 when a problem was found.

  --json      print the report as JSON
  --db FILE   database (default: the app's; CLIPLAB_DB overrides)`;

const SUBCOMMANDS = ['check'];

export const dbCommand: Command = {
  name: 'db',
  summary: 'Check the database (db check)',
  usage: USAGE,
  flags: ['json'],
  options: [],
  async run(args: ParsedArgs, io: CliIo): Promise<number> {
    const [sub, ...rest] = args.positionals;
    if (sub === undefined) throw new UsageError(`missing subcommand; expected one of: ${SUBCOMMANDS.join(', ')}`);
    if (!SUBCOMMANDS.includes(sub)) {
      throw new UsageError(`unknown subcommand "${sub}"; expected one of: ${SUBCOMMANDS.join(', ')}`);
    }
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
    const report = checkDatabase(dbPathOf(args, io));
    if (flagOption(args, 'json')) {
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const c = report.counts;
      const summary = `schema version ${report.schemaVersion}; ${c.runs} runs, ${c.metricPoints} metric points, ${c.checkpoints} checkpoints`;
      io.stdout.write(`database ${report.file}: ${report.ok ? 'ok' : 'PROBLEMS FOUND'} (${summary})\n`);
      for (const p of report.problems) io.stdout.write(`  ${p}\n`);
    }
    return report.ok ? 0 : 1;
  },
};
