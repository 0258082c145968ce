/**
 * Final answers out of solutions and responses, and the math answer checker. GSM8K puts the final
 * number after "####"; MATH puts the answer in \boxed{...} (the last one counts). Two answers agree
 * when they are the same number (thousands separators, fractions, decimals, percent signs, LaTeX
 * \frac and a trailing unit dropped), or else the same text after LaTeX normalisation.
 */

/** The text after the last "####" of a GSM8K solution or response, up to the end of its line; null if none. */
export function gsm8kReference(text: string): string | null {
  const at = text.lastIndexOf('####');
  if (at < 0) return null;
  const answer = text
    .slice(at + 4)
    .split('\n')[0]
    .trim();
  return answer === '' ? null : answer;
}

/** The contents of the last \boxed{...} (or \fbox{...}), braces balanced; null if none. */
export function lastBoxed(text: string): string | null {
  const at = Math.max(text.lastIndexOf('\\boxed'), text.lastIndexOf('\\fbox'));
  if (at < 0) return null;
  const open = text.indexOf('{', at);
  if (open < 0) {
    const bare = /^\\boxed\s+([^\s$]+)/.exec(text.slice(at)); // "\boxed 5"
    return bare ? bare[1] : null;
  }
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open + 1, i);
  }
  return null;
}

/** LaTeX and formatting that never changes an answer's value. */
function normalize(answer: string): string {
  let s = answer.trim();
  s = s.replace(/\\text\{\s*([^{}]*)\}/g, '$1').replace(/\\mbox\{\s*([^{}]*)\}/g, '$1');
  s = s.replace(/\\(left|right|displaystyle|!|,|;|:)/g, '');
  s = s.replace(/\\[dt]frac/g, '\\frac').replace(/\^\{?\\circ\}?/g, '');
  s = s.replace(/\\\$|\$/g, '').replace(/\\%|%/g, '');
  s = s.replace(/\s+/g, '');
  s = s.replace(/^(\w+=)/, ''); // "x=5" -> "5"
  return s.replace(/\.$/, '');
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** The value of a plain number, fraction or \frac; null if the text is not one. */
export function numericValue(text: string): number | null {
  let s = normalize(text);
  // Thousands separators: 1,234 or 1,234,567.5 (a comma in any other place is not a number).
  if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, '');
  s = s.replace(/^([+-]?[\d.]+)[a-z]+$/i, '$1'); // a trailing unit: "18dollars", "5cm"
  if (NUMBER.test(s)) return Number(s);
  const frac = /^([+-]?)\\frac\{?([^{}]+?)\}?\{([^{}]+)\}$/.exec(s) ?? /^([+-]?)\\frac(\d)(\d)$/.exec(s);
  const slash = /^([+-]?)([\d.]+)\/([\d.]+)$/.exec(s);
  const parts = frac ?? slash;
  if (!parts) return null;
  const [num, den] = [numericValue(parts[2]), numericValue(parts[3])];
  if (num === null || den === null || den === 0) return null;
  return (parts[1] === '-' ? -1 : 1) * (num / den);
}

/** Same number (relative 1e-6), or the same normalised text. */
export function answersAgree(given: string, reference: string): boolean {
  const [a, b] = [numericValue(given), numericValue(reference)];
  if (a !== null && b !== null) return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
  return normalize(given) === normalize(reference) && normalize(given) !== '';
}

/** A response's final answer per format: after "####" (GSM8K, as verl's strict check) or in the last \boxed{}. */
export const RESPONSE_ANSWER: Record<'gsm8k' | 'math', (response: string) => string | null> = {
  gsm8k: gsm8kReference,
  math: lastBoxed,
};
