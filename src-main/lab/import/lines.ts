/**
 * Splits a byte stream into text lines without ever holding the whole file: chunks arrive, complete
 * lines leave, and the unfinished tail waits for the next chunk (a trainer may be mid-write). UTF-8
 * sequences cut between chunks are reassembled by StringDecoder.
 */
import { StringDecoder } from 'node:string_decoder';

export type LineHandler = (line: string, lineNo: number) => void;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private tail: string[] = [];
  private lineNo = 0;
  private started = false;

  constructor(private readonly onLine: LineHandler) {}

  push(chunk: Buffer): void {
    let text = this.decoder.write(chunk);
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte-order mark
    }
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const piece = text.slice(start, nl);
      const line = this.tail.length > 0 ? this.tail.join('') + piece : piece;
      this.tail = [];
      this.emit(line);
      start = nl + 1;
    }
    if (start < text.length) this.tail.push(text.slice(start));
  }

  /**
   * Ends the input. A last line without its newline was cut while the trainer wrote it (`2945.0`
   * would read as `294`), so it is not emitted; only its carriage-return segments that are complete
   * (a `\r` follows them: progress-bar states, a CRLF line missing its LF) are. Returns the text
   * left out, or null when the input ended with a newline.
   */
  end(): string | null {
    const rest = this.tail.join('') + this.decoder.end();
    this.tail = [];
    const lastCr = rest.lastIndexOf('\r');
    if (lastCr >= 0) this.emit(rest.slice(0, lastCr));
    const cut = rest.slice(lastCr + 1);
    return cut.length > 0 ? cut : null;
  }

  /** Lines seen so far (1-based number of the last one). */
  get lines(): number {
    return this.lineNo;
  }

  private emit(line: string): void {
    this.lineNo++;
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line, this.lineNo);
  }
}

/** ANSI escape sequences (colours, cursor moves) that terminals and Ray's log forwarding add. */
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g;

export function stripAnsi(line: string): string {
  return line.includes('\x1b') ? line.replace(ANSI, '') : line;
}

/**
 * Console output from progress bars rewrites the line with carriage returns; each segment is what the
 * terminal showed at one moment, so each is read as its own line.
 */
export function consoleSegments(line: string): string[] {
  const clean = stripAnsi(line);
  return clean.includes('\r') ? clean.split('\r') : [clean];
}
