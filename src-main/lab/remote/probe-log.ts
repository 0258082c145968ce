/**
 * cliplab-probe's records inside a job's log. With CLIPLAB_PROBE_STDOUT the probe prints each stream
 * line behind PROBE_PREFIX (python/cliplab-probe, stream.py); Ray's log forwarding may put a tag and
 * colour codes before it ("(TaskRunner pid=12) "), so the prefix is looked for anywhere in a line.
 * What follows it is decoded by the probe stream's own importer (import/formats/probeStream.ts), one
 * line at a time, so a mangled line costs a warning, not the run.
 */
import { SeriesBuilder } from '../import/builder';
import { ImportError } from '../import/errors';
import { FORMATS, type Decoder } from '../import/formats';
import { LineSplitter, stripAnsi } from '../import/lines';
import type { ImportedSeries } from '../import/types';

export const PROBE_PREFIX = '[cliplab-probe] ';

export class ProbeLogReader {
  private readonly out = new SeriesBuilder();
  private readonly decoder: Decoder;
  private readonly lines: LineSplitter;
  /** Probe lines decoded so far. */
  records = 0;

  constructor(label: string) {
    this.decoder = FORMATS['cliplab-probe'].decoder({ file: label, out: this.out, options: {} });
    this.lines = new LineSplitter((line) => this.onLine(line));
  }

  /** A piece of the log (pieces may cut lines anywhere). */
  push(text: string): void {
    this.lines.push(Buffer.from(text, 'utf8'));
  }

  /** The log is complete (a last line without its newline was cut mid-write and is left out). */
  end(): void {
    this.lines.end();
  }

  /** Points decoded since the last drain, per key. */
  drain(): Map<string, ImportedSeries> {
    return this.out.drain();
  }

  warnings(): string[] {
    return this.out.warnings();
  }

  private onLine(raw: string): void {
    const at = raw.indexOf(PROBE_PREFIX);
    if (at < 0) return;
    const record = stripAnsi(raw.slice(at + PROBE_PREFIX.length));
    try {
      this.decoder.push(Buffer.from(`${record}\n`, 'utf8'));
      this.records++;
    } catch (err) {
      if (!(err instanceof ImportError)) throw err;
      this.out.warn(`skipped a probe line of the job's log: ${err.message}`);
    }
  }
}
