/**
 * Rebuilding the text a program printed from the pieces a container stored (Kaggle's stream
 * records, a notebook's stream outputs). Each stream (stdout, stderr) is assembled on its own, so a
 * progress bar that stderr left without a newline never glues itself to the log dict stdout prints
 * next; a stream's text leaves in order as soon as a line ends, and a progress bar's states as soon
 * as the next carriage return closes them, so bars and dicts keep the order the terminal showed.
 * Every line of the result remembers where it started (record or cell), for error messages.
 */

interface Pending {
  text: string;
  /** Where the pending text began. */
  origin: string;
}

export class StreamText {
  private readonly pending = new Map<string, Pending>();
  private readonly lines: string[] = [];
  private readonly origins: string[] = [];

  /** Appends `data` printed on `stream`; `origin` names the piece (`record 12`, `cell 3`). */
  write(stream: string, data: string, origin: string): void {
    const before = this.pending.get(stream);
    let text = before ? before.text + data : data;
    let from = before?.origin ?? origin;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n')) {
      this.emit(text.slice(0, nl), from);
      text = text.slice(nl + 1);
      from = origin;
    }
    // Progress-bar states closed by a later carriage return are complete: let them out now.
    const cr = text.lastIndexOf('\r');
    if (cr > 0) {
      this.emit(text.slice(0, cr), from);
      text = text.slice(cr);
      from = origin;
    }
    if (text.length > 0) this.pending.set(stream, { text, origin: from });
    else this.pending.delete(stream);
  }

  /** Ends every stream's unfinished line (the container is complete: nothing more will come). */
  flush(): void {
    for (const { text, origin } of this.pending.values()) this.emit(text, origin);
    this.pending.clear();
  }

  /** Every line, each ended by a newline. */
  text(): string {
    return this.lines.length > 0 ? `${this.lines.join('\n')}\n` : '';
  }

  /** Where line n (1-based) of text() came from. */
  originOf(line: number): string | undefined {
    return this.origins[line - 1];
  }

  get lineCount(): number {
    return this.lines.length;
  }

  private emit(line: string, origin: string): void {
    this.lines.push(line);
    this.origins.push(origin);
  }
}
