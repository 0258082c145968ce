/**
 * Setting any run-config key by dotted path (`objective.clipHigh=inf`, `policy.base.labelNoise=0.2`),
 * merging partial configs, and expanding sweep grids. Pure, so the CLI and the UI's sweep builder
 * share it. Paths are checked against the run-config schema while they are walked (an unknown key is
 * named with the keys that exist there); values are checked by the schema once everything is applied.
 */
import { runConfigSchema, type RunConfig } from './config';
import { validateWith, type FieldError, type Validated } from './validate';

type Obj = Record<string, unknown>;

/** The parts of a zod 4 schema definition this module reads. */
interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  shape?: Record<string, Schema>;
  options?: Schema[];
  discriminator?: string;
  defaultValue?: unknown;
  values?: unknown[];
  entries?: Record<string, unknown>;
}
interface Schema {
  _zod: { def: Def };
}

/** One assignment: either a JSON value (API, files) or command-line text, typed by the field it lands on. */
export type ConfigOverride = { path: string; value: unknown } | { path: string; raw: string };

export class ConfigPathError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path || '(config)'}: ${message}`);
    this.name = 'ConfigPathError';
  }
}

const WRAPPERS = new Set(['default', 'prefault', 'optional', 'nullable', 'readonly', 'catch', 'nonoptional']);
const def = (s: Schema): Def => s._zod.def;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** The schema under defaults, nullables and preprocessing. */
function unwrap(s: Schema): Schema {
  for (;;) {
    const d = def(s);
    if (WRAPPERS.has(d.type)) s = d.innerType as Schema;
    else if (d.type === 'pipe') s = def(d.in as Schema).type === 'transform' ? (d.out as Schema) : (d.in as Schema);
    else return s;
  }
}

/** The value the schema fills in when the key is absent (a default or prefault), if any. */
function defaultOf(s: Schema): unknown {
  for (let d = def(s); ; d = def(d.innerType as Schema)) {
    if (d.type === 'default' || d.type === 'prefault') return clone(d.defaultValue);
    if (!WRAPPERS.has(d.type)) return undefined;
  }
}

/** Values a discriminator field accepts (a literal or an enum). */
function literalValues(s: Schema): unknown[] {
  const d = def(unwrap(s));
  if (d.values) return d.values;
  if (d.entries) return Object.values(d.entries);
  return [];
}

interface ObjectNode {
  shape: Record<string, Schema>;
  /** Set when the object is one member of a discriminated union. */
  discriminator?: string;
}

/** The object schema for a value: a plain object, or the union member its discriminator picks. */
function objectNode(schema: Schema, value: Obj, path: string): ObjectNode | null {
  const s = unwrap(schema);
  const d = def(s);
  if (d.type === 'object') return { shape: d.shape as Record<string, Schema> };
  if (d.type !== 'union' || !d.discriminator) return null;
  const key = d.discriminator;
  const kinds = (d.options as Schema[]).flatMap((o) => literalValues(def(unwrap(o)).shape![key]));
  const member = (d.options as Schema[]).find((o) => literalValues(def(unwrap(o)).shape![key]).includes(value[key]));
  if (!member) {
    const at = path ? `${path}.${key}` : key;
    const found = value[key] === undefined ? 'it is missing' : `got ${JSON.stringify(value[key])}`;
    throw new ConfigPathError(at, `expected one of ${kinds.map((k) => JSON.stringify(k)).join(', ')} (${found})`);
  }
  return { shape: def(unwrap(member)).shape as Record<string, Schema>, discriminator: key };
}

/** After a discriminator changes, drops the keys the new member does not have (task.kind bandit -> sort). */
function keepMemberKeys(schema: Schema, value: Obj, path: string): Obj {
  let node: ObjectNode | null;
  try {
    node = objectNode(schema, value, path);
  } catch {
    return value; // an unknown kind: the schema check names it with the valid ones
  }
  if (!node) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k in node.shape));
}

/** Command-line text as a value: JSON where it parses, `none`/`null` as null, `inf` as the schema's "no bound". */
export function parseValueText(raw: string): unknown {
  const text = raw.trim();
  if (/^(none|null|off)$/i.test(text)) return null;
  if (/^\+?(inf|infinity)$/i.test(text)) return 'inf';
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return Number(text);
  try {
    return JSON.parse(text);
  } catch {
    return raw;
  }
}

/** Text for a string or enum field stays text (`--set name=123`, `--set task.kind=sort`). */
function typedValue(leaf: Schema, override: ConfigOverride): unknown {
  if (!('raw' in override)) return override.value;
  const type = def(unwrap(leaf)).type;
  const textual =
    type === 'string' || type === 'enum' || (type === 'literal' && typeof literalValues(leaf)[0] === 'string');
  return textual ? override.raw : parseValueText(override.raw);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v} (${JSON.stringify(v)})`;
}

function setAt(schema: Schema, current: unknown, keys: readonly string[], done: string[], o: ConfigOverride): unknown {
  if (keys.length === 0) return typedValue(schema, o);
  const path = done.join('.');
  const base = current === undefined ? (defaultOf(schema) ?? {}) : current;
  if (!isObj(base)) throw new ConfigPathError(path, `is ${describe(base)}, so it has no key "${keys[0]}"`);
  const node = objectNode(schema, base, path);
  if (!node) throw new ConfigPathError(path, `is not a section, so it has no key "${keys[0]}"`);
  const [key, ...rest] = keys;
  const at = path ? `${path}.${key}` : key;
  if (!(key in node.shape)) {
    const kind = node.discriminator
      ? ` for ${path}.${node.discriminator} ${JSON.stringify(base[node.discriminator])}`
      : '';
    throw new ConfigPathError(at, `unknown key${kind}; expected one of ${Object.keys(node.shape).join(', ')}`);
  }
  const next: Obj = { ...base, [key]: setAt(node.shape[key], base[key], rest, [...done, key], o) };
  const kindChanged = rest.length === 0 && key === node.discriminator && next[key] !== base[key];
  return kindChanged ? keepMemberKeys(schema, next, path) : next;
}

function splitPath(path: string): string[] {
  const keys = path.split('.');
  if (path.trim() === '' || keys.some((k) => k === '')) {
    throw new ConfigPathError(path, 'expected a dotted config path such as objective.clipHigh');
  }
  return keys;
}

/** The config input with one override applied (a new object; `config` is not changed). Throws ConfigPathError. */
export function setConfigPath(config: unknown, override: ConfigOverride): Obj {
  const schema = runConfigSchema as unknown as Schema;
  return setAt(schema, config ?? {}, splitPath(override.path), [], override) as Obj;
}

/** The value at a dotted path of a config (undefined where absent). */
export function readConfigPath(config: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (isObj(v) ? v[k] : undefined), config);
}

/**
 * Command-line text typed the way `--set path=raw` would type it on `config` (a number for a number
 * field, text for a string or enum). Throws ConfigPathError for an unknown path.
 */
export function typedValueAt(config: unknown, path: string, raw: string): unknown {
  return readConfigPath(setConfigPath(config, { path, raw }), path);
}

/** `key=value` from the command line, split at the first `=`. */
export function parseAssignment(text: string): { path: string; raw: string } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new ConfigPathError(text, 'expected key=value, e.g. objective.clipHigh=inf');
  return { path: text.slice(0, eq).trim(), raw: text.slice(eq + 1) };
}

/** Leaf assignments of a partial config, discriminators (`kind`) before their siblings. */
export function configLeaves(patch: unknown, prefix = ''): ConfigOverride[] {
  if (!isObj(patch)) return [{ path: prefix, value: patch }];
  const keys = Object.keys(patch).sort((a, b) => Number(b === 'kind') - Number(a === 'kind'));
  return keys.flatMap((k) => {
    const path = prefix ? `${prefix}.${k}` : k;
    const v = patch[k];
    return isObj(v) && Object.keys(v).length > 0 ? configLeaves(v, path) : [{ path, value: v }];
  });
}

/** Applies overrides in order to a config input, then validates. Every problem is named by its path. */
export function applyOverrides(base: unknown, overrides: readonly ConfigOverride[]): Validated<RunConfig> {
  let config: unknown = base ?? {};
  const errors: FieldError[] = [];
  for (const o of overrides) {
    try {
      config = setConfigPath(config, o);
    } catch (err) {
      if (!(err instanceof ConfigPathError)) throw err;
      errors.push({ path: err.path, message: err.message.slice(err.message.indexOf(': ') + 2) });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return validateWith(runConfigSchema, config);
}

/** A partial config merged onto another, key by key (`--config FILE` over a preset). */
export function mergeConfig(base: unknown, patch: unknown): Validated<RunConfig> {
  if (!isObj(patch)) return { ok: false, errors: [{ path: '', message: 'expected a JSON object of config keys' }] };
  return applyOverrides(base, configLeaves(patch));
}

/** Every combination of a grid's values, keys varying slowest first: {a:[1,2], b:[3]} -> [{a:1,b:3},{a:2,b:3}]. */
export function expandGrid(grid: Readonly<Record<string, readonly unknown[]>>): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [key, values] of Object.entries(grid)) {
    if (values.length === 0) throw new ConfigPathError(key, 'expected at least one value in the grid');
    out = out.flatMap((combo) => values.map((v) => ({ ...combo, [key]: v })));
  }
  return out;
}

/** Number of runs a grid makes per seed, without expanding it. */
export function gridSize(grid: Readonly<Record<string, readonly unknown[]>>): number {
  return Object.values(grid).reduce((n, values) => n * values.length, 1);
}
