/**
 * Command-line options of `export-figure` and `export-data`, turned into a figure spec, and the run
 * both commands share (`runExport`). Every bad value is a UsageError naming the option and what it
 * expects; the spec schema then checks the rest.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  figureSpecSchema,
  formatFieldErrors,
  validateWith,
  type ApiResult,
  type FigureSpec,
  type FigureSpecInput,
} from '../contract';
import { dispatch, type Lab } from '../lab';
import { writeFileAtomic } from '../lab/export/atomic';
import { UsageError, type CliIo, type ParsedArgs } from './command';
import { readLab } from './lab';
import { flagOption, listOption, positionals, stringOption } from './options';

/** Options every figure command reads to build its spec (besides its own flags). */
export const SPEC_OPTIONS = [
  'runs',
  'groups',
  'metric',
  'metrics',
  'layout',
  'x',
  'smoothing',
  'band',
  'steps',
  'figure',
  'spec',
  'format',
  'out',
] as const;
export const LOOK_OPTIONS = [
  'size',
  'style',
  'font-size',
  'line-width',
  'title',
  'legend',
  'label',
  'x-range',
  'y-range',
  'palette',
  'dpi',
] as const;

function numberOption(args: ParsedArgs, name: string): number | undefined {
  const raw = stringOption(args, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name}: expected a number, got "${raw}"`);
  return n;
}

function runIds(args: ParsedArgs): number[] | undefined {
  return listOption(args, 'runs')?.map((s) => {
    if (!/^\d+$/.test(s) || Number(s) < 1) throw new UsageError(`--runs: expected run ids like 1,2,3, got "${s}"`);
    return Number(s);
  });
}

function metrics(args: ParsedArgs): string[] | undefined {
  const all = [...(listOption(args, 'metric') ?? []), ...(listOption(args, 'metrics') ?? [])];
  return all.length > 0 ? all : undefined;
}

/** `single`, `double`, or `WxH` in inches (`5x3`; `5` alone keeps the derived height). */
export function parseSize(raw: string): FigureSpecInput['size'] {
  if (raw === 'single' || raw === 'double') return { width: raw };
  const m = raw.match(/^(\d+(?:\.\d+)?)(?:x(\d+(?:\.\d+)?))?$/i);
  if (!m) throw new UsageError(`--size: expected single, double or WxH in inches (e.g. 5x3), got "${raw}"`);
  return { width: Number(m[1]), ...(m[2] ? { height: Number(m[2]) } : {}) };
}

/** `FROM:TO`, `FROM:` or `:TO` (inclusive steps). */
export function parseSteps(raw: string): { from: number | null; to: number | null } {
  const m = raw.match(/^(\d*):(\d*)$/);
  if (!m || (m[1] === '' && m[2] === '')) throw new UsageError(`--steps: expected FROM:TO, FROM: or :TO, got "${raw}"`);
  return { from: m[1] === '' ? null : Number(m[1]), to: m[2] === '' ? null : Number(m[2]) };
}

/** `MIN:MAX` with either end open (`0:1`, `:0.5`, `1e-3:`), numbers as written. */
export function parseRange(name: string, raw: string): { min: number | null; max: number | null } {
  const m = raw.match(/^([^:]*):([^:]*)$/);
  const value = (text: string) => (text.trim() === '' ? null : Number(text));
  const [min, max] = m ? [value(m[1]), value(m[2])] : [NaN, NaN];
  if (!m || (min === null && max === null) || Number.isNaN(min) || Number.isNaN(max)) {
    throw new UsageError(`--${name}: expected MIN:MAX, MIN: or :MAX (numbers), got "${raw}"`);
  }
  return { min, max };
}

/**
 * `--label SERIES=TEXT` (repeatable): SERIES is a run id (`3`), `run:3` or `group:<key>`. The text
 * may use paper notation, `ε_low = 0.05` (drawn with a subscript).
 */
export function parseLabels(raws: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const raw of raws) {
    const at = raw.indexOf('=');
    const series = at < 0 ? '' : raw.slice(0, at).trim();
    const id = /^\d+$/.test(series) ? `run:${series}` : series;
    if (!/^(run:\d+|group:[0-9a-f]{16})$/.test(id)) {
      throw new UsageError(`--label: expected SERIES=TEXT with SERIES a run id, run:ID or group:KEY, got "${raw}"`);
    }
    labels[id] = raw.slice(at + 1);
  }
  return labels;
}

function rangeSpec(args: ParsedArgs, name: 'x-range' | 'y-range', axis: 'x' | 'y') {
  const raw = stringOption(args, name);
  if (raw === undefined) return {};
  const { min, max } = parseRange(name, raw);
  return { [`${axis}Min`]: min, [`${axis}Max`]: max };
}

/** A spec file given with --spec: a bare spec, or a saved figure's JSON (its `spec` is used). */
function specFile(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`--spec: cannot read ${file} as JSON (${err instanceof Error ? err.message : err})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`--spec: expected a JSON object in ${file}`);
  }
  const object = parsed as Record<string, unknown>;
  return (object.spec && typeof object.spec === 'object' ? object.spec : object) as Record<string, unknown>;
}

/** The spec of the saved figure named by --figure ID, or nothing. */
export async function savedFigureSpec(lab: Lab, args: ParsedArgs): Promise<Record<string, unknown>> {
  const id = numberOption(args, 'figure');
  if (id === undefined) return {};
  if (!Number.isInteger(id) || id < 1) throw new UsageError(`--figure: expected a saved figure id, got ${id}`);
  return ((await dispatch(lab, 'figures.get', { id })) as ApiResult<'figures.get'>).spec;
}

const defined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function listLabels(args: ParsedArgs): Record<string, string> | undefined {
  const raw = args.options.label;
  if (raw === undefined || raw === true || raw === false) return undefined;
  return parseLabels(Array.isArray(raw) ? raw : [raw]);
}

function optionSpec(args: ParsedArgs): Record<string, unknown> {
  const size = stringOption(args, 'size');
  const steps = stringOption(args, 'steps');
  return defined({
    runs: runIds(args),
    groups: listOption(args, 'groups'),
    groupSeeds: flagOption(args, 'group-seeds') || undefined,
    metrics: metrics(args),
    layout: stringOption(args, 'layout'),
    xAxis: stringOption(args, 'x'),
    smoothing: numberOption(args, 'smoothing'),
    showRaw: flagOption(args, 'no-raw') ? false : undefined,
    band: stringOption(args, 'band'),
    steps: steps === undefined ? undefined : parseSteps(steps),
    size: size === undefined ? undefined : parseSize(size),
    style: stringOption(args, 'style'),
    fontSize: numberOption(args, 'font-size'),
    lineWidth: numberOption(args, 'line-width'),
    title: stringOption(args, 'title'),
    legend: stringOption(args, 'legend'),
    labels: listLabels(args),
    ...rangeSpec(args, 'x-range', 'x'),
    ...rangeSpec(args, 'y-range', 'y'),
    palette: stringOption(args, 'palette'),
    logY: flagOption(args, 'log-y') || undefined,
    dpi: numberOption(args, 'dpi'),
    textAsPaths: flagOption(args, 'text-as-paths') || undefined,
  });
}

/**
 * The spec the options describe, on top of (in increasing precedence) `defaults`, `base` (a saved
 * figure) and a --spec file.
 */
export function specFromOptions(
  args: ParsedArgs,
  base: Record<string, unknown> = {},
  defaults: Record<string, unknown> = {},
): FigureSpec {
  const file = stringOption(args, 'spec');
  const v = validateWith(figureSpecSchema, {
    ...defaults,
    ...base,
    ...(file ? specFile(file) : {}),
    ...optionSpec(args),
  });
  if (!v.ok) throw new UsageError(`invalid figure options:\n${formatFieldErrors(v.errors)}`);
  return v.value;
}

/** --format, or else the --out file's extension. */
export function outputFormat<F extends string>(args: ParsedArgs, formats: readonly F[], out: string): F {
  const explicit = stringOption(args, 'format');
  const format = explicit ?? path.extname(out).slice(1).toLowerCase();
  if (!(formats as readonly string[]).includes(format)) {
    const from = explicit === undefined ? `the extension of ${out}` : `--format "${explicit}"`;
    throw new UsageError(`--format: expected one of ${formats.join(', ')} (from ${from})`);
  }
  return format as F;
}

/** The --out file, resolved against the working folder. */
export function outputFile(args: ParsedArgs): string {
  const out = stringOption(args, 'out');
  if (!out) throw new UsageError('--out: expected the file to write');
  return path.resolve(out);
}

/** A file an export command made, and what its output line says about it. */
export interface ExportedFile {
  contents: string | Uint8Array;
  /** Fields of the --json line after `file` and `format`. */
  json: Record<string, unknown>;
  /** The readable line's note after the format, e.g. "12 rows". */
  detail: string;
}

/**
 * An export command from start to end: the --out file and format are checked before the lab opens,
 * the spec is read inside it (over `defaults`, a saved figure and a --spec file), and the file
 * `make` returns is written whole or not at all; one line then says what was written.
 */
export async function runExport<F extends string>(
  args: ParsedArgs,
  io: CliIo,
  formats: readonly F[],
  make: (lab: Lab, spec: FigureSpec, format: F) => Promise<ExportedFile>,
  defaults: Record<string, unknown> = {},
): Promise<number> {
  positionals(args, []);
  const out = outputFile(args);
  const format = outputFormat(args, formats, out);
  return readLab(args, io, async (lab) => {
    const spec = specFromOptions(args, await savedFigureSpec(lab, args), defaults);
    const file = await make(lab, spec, format);
    writeFileAtomic(out, file.contents);
    if (flagOption(args, 'json')) io.stdout.write(`${JSON.stringify({ file: out, format, ...file.json })}\n`);
    else io.stdout.write(`wrote ${out} (${format}, ${file.detail})\n`);
    return 0;
  });
}
