/** How each `cliplab` subcommand plugs into the CLI (cli/main.ts keeps the registry). */

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Environment (CLIPLAB_DB and friends). */
  env: NodeJS.ProcessEnv;
  /** Where a command asks before something large (a terminal); absent: nobody to ask. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

export interface ParsedArgs {
  /** Positional arguments after the subcommand. */
  positionals: string[];
  /** `--key value` / `--key=value` / `--flag`; repeated options collect into arrays. */
  options: Record<string, string | boolean | string[]>;
}

export interface Command {
  name: string;
  /** One line for `cliplab --help`. */
  summary: string;
  /** Full usage text for `cliplab <name> --help`. */
  usage: string;
  /** Options that take no value. */
  flags?: readonly string[];
  /**
   * Options that take a value (`--db` and `--help` are added for every command). When given, any
   * other option is a usage error naming the valid ones; when absent, unknown options are accepted.
   */
  options?: readonly string[];
  /** Returns the process exit code. Throws UsageError for bad input. */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/** Bad command-line input: printed to stderr with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
