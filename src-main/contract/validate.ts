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

/** Turns a zod issue into a message that says what was expected, in the user's terms. */
function describeIssue(issue: z.core.$ZodIssue): string {
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
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}

export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: describeIssue(issue) }));
}

export function validateWith<S extends z.ZodType>(schema: S, input: unknown): Validated<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, errors: toFieldErrors(result.error) };
}

/** One line per error: `objective.clipLow: expected number to be <=1`. */
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
