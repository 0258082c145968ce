/**
 * The command-line parser: `--key value`, `--key=value`, flags, repeated options (collected into
 * arrays), `-h`, and `--` to end options. Which options are flags comes from the command.
 */
import { UsageError, type ParsedArgs } from './command';

export interface ArgSpec {
  /** Options that take no value. */
  flags: readonly string[];
  /** Options that take a value; undefined accepts any option (a bare one becomes a flag). */
  options?: readonly string[];
}

/** Options every command accepts. */
export const GLOBAL_FLAGS = ['help'] as const;
export const GLOBAL_OPTIONS = ['db'] as const;

function isOption(token: string | undefined): boolean {
  return token !== undefined && token.startsWith('--') && token.length > 2;
}

function known(spec: ArgSpec): string[] {
  return [...spec.flags, ...(spec.options ?? [])].map((o) => `--${o}`);
}

function store(options: ParsedArgs['options'], name: string, value: string | true): void {
  const prev = options[name];
  if (value === true || prev === undefined || prev === true) options[name] = value;
  else options[name] = Array.isArray(prev) ? [...prev, value] : [prev as string, value];
}

export function parseArgs(argv: readonly string[], spec: ArgSpec): ParsedArgs {
  const flags = new Set<string>([...spec.flags, ...GLOBAL_FLAGS]);
  const valued = spec.options ? new Set<string>([...spec.options, ...GLOBAL_OPTIONS]) : null;
  const out: ParsedArgs = { positionals: [], options: {} };
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (token === '-h') {
      out.options.help = true;
      continue;
    }
    if (!isOption(token)) {
      out.positionals.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = token.slice(2, eq < 0 ? undefined : eq);
    if (flags.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value, got "${token.slice(eq + 1)}"`);
      store(out.options, name, true);
      continue;
    }
    if (valued && !valued.has(name)) {
      throw new UsageError(
        `unknown option --${name}; expected one of ${known(spec).concat('--db', '--help').join(', ')}`,
      );
    }
    if (eq >= 0) {
      store(out.options, name, token.slice(eq + 1));
    } else if (i + 1 < argv.length && !isOption(argv[i + 1]) && argv[i + 1] !== '--') {
      store(out.options, name, argv[++i]);
    } else if (valued || GLOBAL_OPTIONS.includes(name as 'db')) {
      throw new UsageError(`--${name} expects a value`);
    } else {
      store(out.options, name, true);
    }
  }
  return out;
}
