/**
 * The run config of `cliplab train` and `sweep`: a preset (or the defaults), then a config file
 * merged over it, then every `--set key=value` in order. Errors name the option and the key.
 */
import fs from 'node:fs';
import {
  applyOverrides,
  ConfigPathError,
  configLeaves,
  findPreset,
  parseAssignment,
  PRESETS,
  typedValueAt,
  type ConfigOverride,
  type FieldError,
  type RunConfig,
} from '../contract';
import { UsageError, type ParsedArgs } from './command';
import { stringOption } from './options';

/** Every value of a repeatable option, uncut (values may hold commas). */
export function repeatedOption(args: ParsedArgs, name: string): string[] {
  const v = args.options[name];
  if (v === undefined) return [];
  if (v === true || v === false) throw new UsageError(`--${name} expects a value`);
  return Array.isArray(v) ? v : [v];
}

function presetInput(args: ParsedArgs): unknown {
  const name = stringOption(args, 'preset');
  if (name === undefined) return {};
  const preset = findPreset(name);
  if (!preset)
    throw new UsageError(
      `--preset: unknown preset "${name}"; expected one of ${PRESETS.map((p) => p.name).join(', ')}`,
    );
  return preset.config;
}

function fileInput(args: ParsedArgs): { file: string; leaves: ConfigOverride[] } | null {
  const file = stringOption(args, 'config');
  if (file === undefined) return null;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--config ${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--config ${file}: not valid JSON (${(err as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`--config ${file}: expected a JSON object of run-config keys`);
  }
  return { file, leaves: configLeaves(value) };
}

function setOverrides(args: ParsedArgs): { text: string; override: ConfigOverride }[] {
  return repeatedOption(args, 'set').map((text) => {
    try {
      return { text, override: parseAssignment(text) };
    } catch (err) {
      if (err instanceof ConfigPathError)
        throw new UsageError(`--set ${text}: expected key=value, e.g. objective.clipHigh=inf`);
      throw err;
    }
  });
}

/** Which input a field error came from: the last --set on that path (or a parent), else the file. */
function describeError(e: FieldError, sets: { text: string; override: ConfigOverride }[], file: string | null): string {
  const related = (p: string) => e.path === p || e.path.startsWith(`${p}.`) || p.startsWith(`${e.path}.`);
  const set = [...sets].reverse().find((s) => related(s.override.path));
  const source = set ? `--set ${set.text}` : file ? `--config ${file}` : 'config';
  return `${source}: ${e.path ? `${e.path}: ` : ''}${e.message}`;
}

/** The validated config the options describe. Throws a UsageError naming each bad input. */
export function configFromArgs(args: ParsedArgs): RunConfig {
  const base = presetInput(args);
  const file = fileInput(args);
  const sets = setOverrides(args);
  const overrides = [...(file?.leaves ?? []), ...sets.map((s) => s.override)];
  const result = applyOverrides(base, overrides);
  if (!result.ok) {
    throw new UsageError(result.errors.map((e) => describeError(e, sets, file?.file ?? null)).join('\n'));
  }
  return result.value;
}

/** `--grid key=v1,v2` options as a grid of typed values (typed like --set on `base`). */
export function gridFromArgs(args: ParsedArgs, base: RunConfig): Record<string, unknown[]> {
  const grid: Record<string, unknown[]> = {};
  for (const text of repeatedOption(args, 'grid')) {
    const eq = text.indexOf('=');
    if (eq <= 0) throw new UsageError(`--grid ${text}: expected key=v1,v2,..., e.g. objective.clipLow=0.1,0.2`);
    const path = text.slice(0, eq).trim();
    const raws = text
      .slice(eq + 1)
      .split(',')
      .map((s) => s.trim());
    if (raws.some((r) => r === '')) throw new UsageError(`--grid ${text}: expected a comma-separated list of values`);
    if (path in grid) throw new UsageError(`--grid ${path}: given twice; put all its values in one --grid`);
    try {
      grid[path] = raws.map((raw) => typedValueAt(base, path, raw));
    } catch (err) {
      if (err instanceof ConfigPathError) throw new UsageError(`--grid ${text}: ${err.message}`);
      throw err;
    }
  }
  return grid;
}
