/**
 * Validation helpers shared by every entry point (CLI, API, forms): zod issues turned into
 * `{ path, message }` pairs that name the field and what was expected.
 */
import type { z } from 'zod';

export interface FieldError {
  /** Dotted path of the field, e.g. `objective.clipLow`; empty for the whole value. */
  path: string;
  /** What was expected (and what was found, where that helps). */
  message: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
    .join('.')
    .replace(/\.\[/g, '[');
}

/** The input value at an issue's path (undefined where there is none). */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let at: unknown = input;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

/** How a value the user gave reads in a message: `"2O"`, `1.5`, `nothing`. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return value.trim() === '' ? 'nothing' : JSON.stringify(value);
  if (typeof value === 'number' && Number.isNaN(value)) return 'not a number';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a section of keys';
  return String(value);
}

const TYPE_WORDS: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'text',
  boolean: 'true or false',
  object: 'a section of keys',
  array: 'a list',
};

/** "a number" / "a whole number" for a bound on `value`'s field. */
function numberWord(issue: { origin?: string }): string {
  return issue.origin === 'number' || issue.origin === 'bigint' ? 'a number' : 'a value';
}

function boundMessage(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall, value: unknown): string {
  const got = `, got ${shown(value)}`;
  if (issue.origin === 'string') {
    const n = Number('maximum' in issue ? issue.maximum : issue.minimum);
    return 'maximum' in issue
      ? `expected at most ${n} characters`
      : `expected at least ${n} character${n === 1 ? '' : 's'}`;
  }
  if (issue.origin === 'array' || issue.origin === 'set') {
    const n = Number('maximum' in issue ? issue.maximum : issue.minimum);
    return 'maximum' in issue ? `expected at most ${n} items` : `expected at least ${n} item${n === 1 ? '' : 's'}`;
  }
  const word = numberWord(issue);
  if (issue.code === 'too_big') {
    const max = String(issue.maximum);
    return issue.inclusive
      ? `expected ${word} no larger than ${max}${got}`
      : `expected ${word} smaller than ${max}${got}`;
  }
  const min = String(issue.minimum);
  return issue.inclusive
    ? `expected ${word} no smaller than ${min}${got}`
    : `expected ${word} larger than ${min}${got}`;
}

/**
 * Turns a zod issue into a message that says what to enter, in the user's terms ("expected a whole
 * number no smaller than 1, got 0"), never zod's own wording ("Too small: expected number to be >=1").
 */
function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  const value = valueAt(input, issue.path);
  // A schema's own message (`.gt(0, 'expected ...')`) already speaks to people.
  const ownMessage = !/^(Too (small|big)|Invalid input)\b/.test(issue.message);
  if (ownMessage && (issue.code === 'too_big' || issue.code === 'too_small' || issue.code === 'invalid_type')) {
    return value === undefined ? issue.message : `${issue.message}, got ${shown(value)}`;
  }
  switch (issue.code) {
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      if ('options' in issue && Array.isArray(issue.options)) {
        return `expected one of ${issue.options.map((v) => JSON.stringify(v)).join(', ')}`;
      }
      return issue.message;
    case 'invalid_type': {
      const want = TYPE_WORDS[issue.expected] ?? issue.expected;
      if (value === undefined) return `expected ${want}; it is missing`;
      if (typeof value === 'number' && Number.isNaN(value)) return `expected ${want}`;
      return `expected ${want}, got ${shown(value)}`;
    }
    case 'too_big':
    case 'too_small':
      return boundMessage(issue, value);
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}

export function toFieldErrors(error: z.ZodError, input?: unknown): FieldError[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: describeIssue(issue, input) }));
}

export function validateWith<S extends z.ZodType>(schema: S, input: unknown): Validated<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, errors: toFieldErrors(result.error, input) };
}

/** One line per error: `objective.clipLow: expected a number no larger than 1, got 1.5`. */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('\n');
}

export class ValidationError extends Error {
  constructor(
    readonly errors: FieldError[],
    readonly subject = 'input',
  ) {
    super(`invalid ${subject}:\n${formatFieldErrors(errors)}`);
    this.name = 'ValidationError';
  }
}

export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, subject?: string): z.output<S> {
  const v = validateWith(schema, input);
  if (!v.ok) throw new ValidationError(v.errors, subject);
  return v.value;
}
