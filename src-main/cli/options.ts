/** Reading parsed options, each with a usage error that names the option and what it expects. */
import { UsageError, type ParsedArgs } from './command';

/** The option's value (the last one when repeated), or undefined. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.options[name];
  if (v === undefined) return undefined;
  if (v === true || v === false) throw new UsageError(`--${name} expects a value`);
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** Every value of a repeatable, comma-separated option (`--metrics a,b --metrics c`), or undefined. */
export function listOption(args: ParsedArgs, name: string): string[] | undefined {
  const v = args.options[name];
  if (v === undefined) return undefined;
  if (v === true || v === false) throw new UsageError(`--${name} expects a value`);
  const items = (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new UsageError(`--${name} expects at least one value`);
  return items;
}

export function flagOption(args: ParsedArgs, name: string): boolean {
  return args.options[name] === true;
}

/** Exactly `count` positional arguments, named in the error (e.g. ['RUN']). */
export function positionals(args: ParsedArgs, names: readonly string[]): string[] {
  if (args.positionals.length < names.length) {
    throw new UsageError(`missing ${names.slice(args.positionals.length).join(' ')}`);
  }
  if (args.positionals.length > names.length) {
    const extra = args.positionals.slice(names.length).map((p) => JSON.stringify(p));
    throw new UsageError(`unexpected argument${extra.length > 1 ? 's' : ''} ${extra.join(' ')}`);
  }
  return args.positionals;
}
