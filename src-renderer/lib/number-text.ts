/**
 * What a number box holds as text (issue 14): parsed strictly, so "2O" is an error and never 2, and
 * stepped by arrow keys the way a browser's number input steps, without its quirks (a type=number
 * input hides what was typed when it is not a number, and Chromium drops letters as they are typed).
 */

/** Decimal or scientific notation: `0.05`, `.5`, `-1`, `3e-4`, `1E+3`. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

export type ParsedNumber = { kind: 'number'; value: number } | { kind: 'empty' } | { kind: 'invalid'; text: string };

export function parseNumberText(text: string): ParsedNumber {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'empty' };
  if (!NUMBER.test(trimmed)) return { kind: 'invalid', text: trimmed };
  const value = Number(trimmed);
  return Number.isFinite(value) ? { kind: 'number', value } : { kind: 'invalid', text: trimmed };
}

/** What a person reads when the text is not a number: what they typed and what to enter instead. */
export function invalidNumberMessage(text: string, integer: boolean): string {
  const example = integer ? 'a whole number such as 200' : 'a number such as 0.05 or 3e-4';
  return `“${text}” is not a number: enter ${example}`;
}

/** The text a value shows as: JavaScript's shortest form (0.2, 0.0003, 1e-7). */
export function numberText(value: number | null): string {
  return value === null || Number.isNaN(value) ? '' : String(value);
}

/**
 * The arrow-key step for a value: 1 for integers, else one unit of the digit below the value's
 * leading one (0.2 -> 0.01, 3e-4 -> 1e-5, 5 -> 0.1), so a press makes a small, visible change.
 */
export function autoStep(value: number, integer: boolean): number {
  if (integer) return 1;
  if (value === 0 || !Number.isFinite(value)) return 0.01;
  return 10 ** (Math.floor(Math.log10(Math.abs(value))) - 1);
}

export interface StepOptions {
  integer: boolean;
  /** A fixed step; null takes autoStep of the value. */
  step: number | null;
  /** Inclusive bounds the result is kept within (exclusive ones are the schema's to report). */
  min: number | null;
  max: number | null;
}

/** `value` moved by `direction` steps (x10 with `big`), rounded to the step's digits and clamped. */
export function stepNumber(value: number, direction: 1 | -1, big: boolean, o: StepOptions): number {
  const step = (o.step ?? autoStep(value, o.integer)) * (big ? 10 : 1);
  // Round to the step's own decimals: 0.2 + 0.01 is 0.21, not 0.21000000000000002.
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  let next = Number((value + direction * step).toFixed(Math.min(decimals, 15)));
  if (o.integer) next = Math.round(next);
  if (o.min !== null) next = Math.max(o.min, next);
  if (o.max !== null) next = Math.min(o.max, next);
  return next;
}
