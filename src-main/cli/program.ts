/**
 * `cliplab <command> [options]`: finds the command, parses its arguments, runs it, and turns every
 * failure into a message on stderr and an exit code (2 for bad usage, 1 for other errors).
 */
import { ApiError } from '../contract';
import { APP_VERSION, DB_ENV, defaultDbPath } from '../lab';
import { StoreError } from '../store';
import { parseArgs } from './args';
import { UsageError, type CliIo, type Command } from './command';
import { COMMANDS, findCommand } from './registry';
import { escapingStream } from './terminal';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

function globalHelp(io: CliIo): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const commands = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return `cliplab ${APP_VERSION}: how PPO/GRPO clipping shapes policy entropy in RL with verifiable rewards

Usage: cliplab <command> [options]

Commands:
${commands}

Every command takes:
  --db FILE    the database (default ${defaultDbPath({ env: io.env })}; ${DB_ENV} overrides)
  --help       the command's usage

Run \`cliplab <command> --help\` for a command's options. \`cliplab --version\` prints the version.
`;
}

function describeError(err: unknown): string {
  if (err instanceof ApiError && err.fields && err.fields.length > 0 && !err.message.includes(err.fields[0].message)) {
    return `${err.message}\n${err.fields.map((f) => `  ${f.path || '(input)'}: ${f.message}`).join('\n')}`;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}

async function runCommand(command: Command, argv: readonly string[], io: CliIo): Promise<number> {
  try {
    const args = parseArgs(argv, { flags: command.flags ?? [], options: command.options });
    if (args.options.help === true) {
      io.stdout.write(`${command.usage}\n`);
      return EXIT_OK;
    }
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`cliplab ${command.name}: ${err.message}\n\nUsage: ${command.usage}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`cliplab ${command.name}: ${describeError(err)}\n`);
    if (io.env.CLIPLAB_DEBUG && err instanceof Error && !(err instanceof StoreError)) io.stderr.write(`${err.stack}\n`);
    return EXIT_ERROR;
  }
}

/** `cliplab --db FILE runs` reads as `cliplab runs --db FILE`: global options may precede the command. */
function leadingGlobals(argv: readonly string[]): string[] {
  const globals: string[] = [];
  let i = 0;
  while (i < argv.length && (argv[i] === '--db' || argv[i].startsWith('--db='))) {
    const take = argv[i] === '--db' ? 2 : 1;
    globals.push(...argv.slice(i, i + take));
    i += take;
  }
  return [...argv.slice(i, i + 1), ...globals, ...argv.slice(i + 1)];
}

/**
 * Runs the CLI on `argv` (without node and script) and returns the exit code. Everything written goes
 * through escapingStream: run names, imported keys and error texts cannot drive the terminal.
 */
export async function main(argv: readonly string[], given: CliIo): Promise<number> {
  const io: CliIo = { ...given, stdout: escapingStream(given.stdout), stderr: escapingStream(given.stderr) };
  const [name, ...rest] = leadingGlobals(argv);
  if (name === undefined || name === '--help' || name === '-h') {
    io.stdout.write(globalHelp(io));
    return EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`${APP_VERSION}\n`);
    return EXIT_OK;
  }
  if (name === 'help') {
    const command = rest[0] === undefined ? undefined : findCommand(rest[0]);
    if (rest[0] !== undefined && !command) return unknownCommand(rest[0], io);
    io.stdout.write(command ? `${command.usage}\n` : globalHelp(io));
    return EXIT_OK;
  }
  const command = findCommand(name);
  if (!command) return unknownCommand(name, io);
  return runCommand(command, rest, io);
}

function unknownCommand(name: string, io: CliIo): number {
  const what = name.startsWith('-') ? `unknown option ${name}` : `unknown command "${name}"`;
  io.stderr.write(`cliplab: ${what}; expected one of: ${COMMANDS.map((c) => c.name).join(', ')}\n`);
  io.stderr.write('Run `cliplab --help` for usage.\n');
  return EXIT_USAGE;
}
