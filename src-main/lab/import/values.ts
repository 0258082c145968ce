/**
 * Turning the values trainers print into numbers. Python writes non-finite floats as `nan`/`inf` in
 * repr and as bare `NaN`/`Infinity` tokens in `json.dumps` (which standard JSON rejects), so both
 * spellings are read here.
 */

const NUMERIC_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE: Record<string, number> = {
  nan: NaN,
  '-nan': NaN,
  '+nan': NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
};

/** A number from text such as `0.5`, `-1e-3`, `nan`, `-inf`; undefined for anything else (incl. empty). */
export function numberFromText(text: string): number | undefined {
  const t = text.trim();
  if (t.length === 0) return undefined;
  if (NUMERIC_TEXT.test(t)) return Number(t);
  const special = NON_FINITE[t.toLowerCase()];
  return special;
}

/**
 * A metric value from a decoded JSON or Python value: numbers (and booleans' absence) pass, null
 * becomes NaN (the trainer had no value that step), the JSON placeholders for NaN/Infinity are read,
 * and anything else (strings, lists) is not a metric.
 */
export function metricValue(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === null) return NaN;
  if (typeof value === 'string' && value in JSON_NON_FINITE) return JSON_NON_FINITE[value];
  return undefined;
}

const JSON_NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/**
 * JSON.parse that also accepts Python's bare NaN, Infinity and -Infinity tokens. They are rewritten
 * to the strings "NaN"/"Infinity"/"-Infinity" (read back by metricValue). The fast path is the
 * standard parser; the rewrite only runs when it fails.
 */
export function parseRelaxedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (!/NaN|Infinity/.test(text)) throw err;
    return JSON.parse(quoteNonFiniteTokens(text));
  }
}

function quoteNonFiniteTokens(text: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      continue;
    }
    const token = text.startsWith('-Infinity', i)
      ? '-Infinity'
      : text.startsWith('Infinity', i)
        ? 'Infinity'
        : text.startsWith('NaN', i)
          ? 'NaN'
          : null;
    if (token) {
      out += `${text.slice(last, i)}"${token}"`;
      i += token.length - 1;
      last = i + 1;
    }
  }
  return out + text.slice(last);
}
