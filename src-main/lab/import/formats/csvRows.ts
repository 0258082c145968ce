/**
 * RFC 4180 rows from lines: fields separated by a delimiter, optionally quoted with `"`, quotes
 * doubled inside quoted fields, and line breaks allowed inside quotes (such a row spans lines).
 */

export type RowHandler = (fields: string[], firstLine: number) => void;

export class CsvRowReader {
  private pending: string[] = [];
  private firstLine = 0;
  delimiter = ',';

  constructor(private readonly onRow: RowHandler) {}

  /** Feeds one physical line; a row is emitted once its quotes are balanced. */
  line(text: string, lineNo: number): void {
    if (this.pending.length === 0) this.firstLine = lineNo;
    this.pending.push(text);
    const joined = this.pending.join('\n');
    if (openQuote(joined)) return;
    this.pending = [];
    this.onRow(splitFields(joined, this.delimiter), this.firstLine);
  }

  /** An unclosed quote at the end of input: the line where the open row started, else null. */
  unfinished(): number | null {
    return this.pending.length > 0 ? this.firstLine : null;
  }
}

function openQuote(text: string): boolean {
  let open = false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 34) open = !open;
  return open;
}

export function splitFields(text: string, delimiter: string): string[] {
  if (!text.includes('"')) return text.split(delimiter);
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

/** The delimiter of a header line: the most frequent of comma, tab and semicolon outside quotes. */
export function detectDelimiter(header: string): string | null {
  let best: string | null = null;
  let bestCount = 0;
  for (const d of [',', '\t', ';']) {
    const count = splitFields(header, d).length - 1;
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}
