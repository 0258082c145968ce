/**
 * Collects a pretty-printed Python dict that spans many console lines (verl prints its resolved config
 * with pprint at start-up). Ray prefixes every line with the actor that printed it and interleaves
 * actors, so only lines with the same prefix as the opening line are part of the dump.
 */
import { parsePyLiteral, type PyValue } from '../pyLiteral';

const MAX_LINES = 20_000;

export class DictDumpCollector {
  private parts: string[] = [];
  private prefix = '';
  private depth = 0;
  private startLine = 0;

  constructor(
    /** Called with the parsed dict, or with the error when the text is not a literal. */
    private readonly onDump: (value: PyValue | Error, startLine: number, text: string) => void,
  ) {}

  get active(): boolean {
    return this.parts.length > 0;
  }

  /** Starts a dump at a line whose body opens a dict. Returns false if the body does not start one. */
  start(prefix: string, body: string, lineNo: number): boolean {
    if (!body.startsWith('{')) return false;
    this.parts = [];
    this.prefix = prefix;
    this.depth = 0;
    this.startLine = lineNo;
    this.take(body);
    return true;
  }

  /** Offers a line while a dump is open; lines from other actors are ignored. */
  offer(prefix: string, body: string): void {
    if (prefix !== this.prefix) return;
    if (this.parts.length >= MAX_LINES) {
      this.abort(`no closing brace within ${MAX_LINES} lines`);
      return;
    }
    this.take(body);
  }

  /** Gives up on an open dump (a metrics line showed it never closed). */
  abort(why: string): void {
    const text = this.parts.join('\n');
    this.parts = [];
    this.onDump(new Error(why), this.startLine, text);
  }

  private take(body: string): void {
    this.parts.push(body);
    this.depth += bracketBalance(body);
    if (this.depth > 0) return;
    const text = this.parts.join('\n');
    this.parts = [];
    let value: PyValue | Error;
    try {
      value = parsePyLiteral(text);
    } catch (err) {
      value = err instanceof Error ? err : new Error(String(err));
    }
    this.onDump(value, this.startLine, text);
  }
}

/** Opening minus closing brackets outside quoted strings. */
function bracketBalance(text: string): number {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') depth--;
  }
  return depth;
}
