/**
 * JSON that keeps ±Infinity. Plain JSON has no non-finite numbers: JSON.stringify writes Infinity,
 * -Infinity and NaN all as null, so a KL that blew up would read back like a missing value. cliplab
 * keeps null for NaN (the store already does: SQLite has no NaN) and writes ±Infinity so it survives:
 *
 * - for people and scripts (CLI `--json`, exported data): the strings "Infinity" and "-Infinity",
 *   which Python's float(), pandas and JavaScript's Number() all read back as ±Infinity;
 * - between cliplab's own processes (the web API and its event stream): a tagged object
 *   `{"$float": "Infinity"}` that the reader turns back into a number, so no string a user typed
 *   (a run named "Infinity") is ever mistaken for one.
 */

/** The key of a tagged non-finite number in API JSON. */
export const FLOAT_TAG = '$float';

type Tagged = { [FLOAT_TAG]: 'Infinity' | '-Infinity' };

function isInfinite(value: unknown): value is number {
  return value === Infinity || value === -Infinity;
}

function isTagged(value: unknown): value is Tagged {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const tag = (value as Record<string, unknown>)[FLOAT_TAG];
  return keys.length === 1 && (tag === 'Infinity' || tag === '-Infinity');
}

/** JSON for people and scripts: ±Infinity as "Infinity" / "-Infinity", NaN as null. */
export function documentJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_key, v: unknown) => (isInfinite(v) ? String(v) : v), indent);
}

/** JSON between cliplab's processes: ±Infinity tagged, NaN as null (see apiParse). */
export function apiJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (isInfinite(v) ? { [FLOAT_TAG]: String(v) } : v));
}

/** Parses apiJson's output, turning tagged numbers back into ±Infinity. */
export function apiParse(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => (isTagged(v) ? Number(v[FLOAT_TAG]) : v));
}
