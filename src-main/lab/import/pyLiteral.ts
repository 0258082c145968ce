/**
 * A reader for Python `repr` output: what `print(dict)` and `pprint` write to a console. Trainers log
 * metrics this way (Hugging Face Trainer prints one dict per logging step; verl pretty-prints its
 * whole config). Handles dicts, lists, tuples, quoted strings, numbers, True/False/None, nan/inf, and
 * wrapped scalars such as `tensor(0.5, device='cuda:0')` or `np.float64(0.1)` (their first argument).
 */

export type PyValue = number | string | boolean | null | PyValue[] | { [key: string]: PyValue };

export class PyLiteralError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'PyLiteralError';
  }
}

const NUMBER = /[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const IDENT = /[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/y;
const NAMED: Record<string, PyValue> = {
  True: true,
  False: false,
  None: null,
  nan: NaN,
  inf: Infinity,
  NaN: NaN,
  Infinity: Infinity,
};
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** Parses one complete Python literal; throws PyLiteralError on anything else. */
export function parsePyLiteral(text: string): PyValue {
  const p = new Parser(text);
  const value = p.value();
  p.skipSpace();
  if (p.pos !== text.length) throw p.fail('expected the end of the literal');
  return value;
}

/**
 * The entries of one dict literal, without building an object: the fast path for console lines that
 * print a metrics dict at every step.
 */
export function parsePyDictEntries(text: string): [string, PyValue][] {
  const p = new Parser(text);
  p.skipSpace();
  const entries = p.entries();
  p.skipSpace();
  if (p.pos !== text.length) throw p.fail('expected the end of the literal');
  return entries;
}

class Parser {
  pos = 0;
  /** Position of the next backslash at or after pos (cached: the search runs once per backslash). */
  private backslash = -1;
  constructor(private readonly s: string) {}

  private nextBackslash(): number {
    if (this.backslash < this.pos) {
      const at = this.s.indexOf('\\', this.pos);
      this.backslash = at === -1 ? Infinity : at;
    }
    return this.backslash;
  }

  fail(what: string): PyLiteralError {
    return new PyLiteralError(`${what} at offset ${this.pos}`, this.pos);
  }

  skipSpace(): void {
    for (;;) {
      const c = this.s.charCodeAt(this.pos);
      // space, tab, newline, carriage return, vertical tab, form feed
      if (c === 32 || (c >= 9 && c <= 13)) this.pos++;
      else return;
    }
  }

  value(): PyValue {
    this.skipSpace();
    const c = this.s[this.pos];
    if (c === '{') return this.dict();
    if (c === '[') return this.sequence('[', ']');
    if (c === '(') return this.tuple();
    if (c === "'" || c === '"') return this.string();
    if (c === '-' && this.s.startsWith('-inf', this.pos)) return this.namedAfterSign(-1);
    if (c === '-' && this.s.startsWith('-nan', this.pos)) return this.namedAfterSign(1);
    if (c !== undefined && '-+.0123456789'.includes(c)) return this.number();
    if (c !== undefined && /[A-Za-z_]/.test(c)) return this.named();
    throw this.fail(c === undefined ? 'unexpected end' : `unexpected ${JSON.stringify(c)}`);
  }

  private dict(): { [key: string]: PyValue } {
    const out: { [key: string]: PyValue } = {};
    // A key named __proto__ would change the object's prototype instead of adding a property.
    for (const [key, val] of this.entries()) if (key !== '__proto__') out[key] = val;
    return out;
  }

  /** The `key: value` pairs of a dict, in order (keys as strings). */
  entries(): [string, PyValue][] {
    const out: [string, PyValue][] = [];
    if (!this.eat('{')) throw this.fail('expected "{"');
    for (;;) {
      this.skipSpace();
      if (this.eat('}')) return out;
      const key = this.value();
      this.skipSpace();
      if (!this.eat(':')) throw this.fail('expected ":" in dict');
      out.push([typeof key === 'string' ? key : String(key), this.value()]);
      this.skipSpace();
      if (this.eat('}')) return out;
      if (!this.eat(',')) throw this.fail('expected "," or "}" in dict');
    }
  }

  private sequence(open: string, close: string): PyValue[] {
    const out: PyValue[] = [];
    this.pos += open.length;
    for (;;) {
      this.skipSpace();
      if (this.eat(close)) return out;
      out.push(this.value());
      this.skipSpace();
      if (this.eat(close)) return out;
      if (!this.eat(',')) throw this.fail(`expected "," or "${close}"`);
    }
  }

  private tuple(): PyValue {
    const items = this.sequence('(', ')');
    return items;
  }

  private string(): string {
    const quote = this.s[this.pos];
    const triple = this.s.startsWith(quote.repeat(3), this.pos);
    const end = triple ? quote.repeat(3) : quote;
    this.pos += end.length;
    // Fast path: no escapes before the closing quote (nearly every key and value a trainer prints).
    const close = this.s.indexOf(end, this.pos);
    if (close >= 0 && this.nextBackslash() > close) {
      const text = this.s.slice(this.pos, close);
      this.pos = close + end.length;
      return text;
    }
    let out = '';
    for (;;) {
      if (this.pos >= this.s.length) throw this.fail('unterminated string');
      if (this.s.startsWith(end, this.pos)) {
        this.pos += end.length;
        return out;
      }
      const c = this.s[this.pos++];
      out += c === '\\' ? this.escape() : c;
    }
  }

  private escape(): string {
    const c = this.s[this.pos++];
    if (c === undefined) throw this.fail('unterminated escape');
    if (c in ESCAPES) return ESCAPES[c];
    const width = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
    if (width === 0) return c; // \\ \' \" and unknown escapes keep the character
    const hex = this.s.slice(this.pos, this.pos + width);
    if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) throw this.fail('bad escape');
    this.pos += width;
    return String.fromCodePoint(parseInt(hex, 16));
  }

  private number(): number {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.s);
    if (!m) throw this.fail('expected a number');
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private namedAfterSign(sign: number): number {
    this.pos++; // -
    const v = this.named();
    if (typeof v !== 'number') throw this.fail('expected a number after "-"');
    return sign * v;
  }

  /** True/False/None/nan/inf, a string prefix (b'', r''), or a call whose first argument is the value. */
  private named(): PyValue {
    IDENT.lastIndex = this.pos;
    const m = IDENT.exec(this.s);
    if (!m) throw this.fail('expected a name');
    const name = m[0];
    const after = this.pos + name.length;
    const next = this.s[after];
    if ((next === "'" || next === '"') && /^[bBrRuUfF]{1,2}$/.test(name)) {
      this.pos = after;
      return this.string();
    }
    this.pos = after;
    if (next === '(') return this.call(name);
    if (Object.prototype.hasOwnProperty.call(NAMED, name)) return NAMED[name];
    throw this.fail(`unknown name ${JSON.stringify(name)}`);
  }

  private call(name: string): PyValue {
    this.pos++; // (
    let first: PyValue | undefined;
    for (;;) {
      this.skipSpace();
      if (this.eat(')')) break;
      IDENT.lastIndex = this.pos;
      const kw = IDENT.exec(this.s);
      const isKeyword =
        kw !== null && this.s[this.pos + kw[0].length] === '=' && this.s[this.pos + kw[0].length + 1] !== '=';
      if (isKeyword) this.pos += kw[0].length + 1;
      const v = this.value();
      if (!isKeyword && first === undefined) first = v;
      this.skipSpace();
      if (this.eat(')')) break;
      if (!this.eat(',')) throw this.fail(`expected "," or ")" in ${name}(...)`);
    }
    if (first === undefined) throw this.fail(`${name}() has no value`);
    return first;
  }

  private eat(c: string): boolean {
    if (this.s[this.pos] !== c) return false;
    this.pos++;
    return true;
  }
}

/** Nested dicts as dotted keys: `{a: {b: 1}}` -> `{"a.b": 1}`. Lists stay whole (they are values). */
export function flattenParams(
  value: PyValue | unknown,
  prefix = '',
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      flattenParams(v, prefix ? `${prefix}.${k}` : k, out);
    }
    return out;
  }
  if (prefix) out[prefix] = jsonSafe(value);
  return out;
}

/** Params travel as JSON: NaN and infinities become strings rather than silently turning into null. */
function jsonSafe(value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (Array.isArray(value)) return value.map(jsonSafe);
  return value;
}
