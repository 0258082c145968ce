/** What every file format offers the importer: a content sniffer and an incremental decoder. */
import type { SeriesBuilder } from '../builder';
import { LineSplitter, type LineHandler } from '../lines';
import type { DecodeOptions, FileFormatName } from '../types';

/** The start of a file, for sniffing. */
export interface Head {
  /** File name (for extension hints only; content decides). */
  name: string;
  bytes: Buffer;
  /** `bytes` decoded as UTF-8. */
  text: string;
  /** True when `bytes` is the whole file. */
  complete: boolean;
}

export interface DecodeContext {
  /** Name used in error messages. */
  file: string;
  out: SeriesBuilder;
  options: DecodeOptions;
}

/** Consumes a file chunk by chunk; end() is called once after the last chunk (never while following). */
export interface Decoder {
  push(chunk: Buffer): void;
  end(): void;
}

export interface ImportFormat {
  name: FileFormatName;
  /** What files of this format look like, for help texts and "unknown format" errors. */
  description: string;
  /**
   * `stream`: every complete line/record can be decoded as it arrives (a follower reads only new bytes).
   * `whole`: the file is one document, re-read whole when it changes.
   */
  kind: 'stream' | 'whole';
  /** The reason the head looks like this format, or null. */
  sniff(head: Head): string | null;
  decoder(ctx: DecodeContext): Decoder;
}

/** Where a decoder reports what it skipped (the SeriesBuilder). */
export interface Warnings {
  warn(message: string): void;
}

/**
 * A decoder for line-oriented text formats. At the end of a one-shot import a last line with no
 * newline is left out (it was cut mid-write) and `warnings` says so; a follower never ends its
 * decoder, so that line simply waits for its newline.
 */
export function lineDecoder(onLine: LineHandler, onEnd: () => void = () => {}, warnings?: Warnings): Decoder {
  const lines = new LineSplitter(onLine);
  return {
    push: (chunk) => lines.push(chunk),
    end: () => {
      const cut = lines.end();
      if (cut !== null && cut.trim().length > 0) warnings?.warn(cutLineWarning(lines.lines + 1, cut));
      onEnd();
    },
  };
}

export function cutLineWarning(lineNo: number, text: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/[\x00-\x1f]+/g, ' ').trim();
  const shown = plain.length > 60 ? `${plain.slice(0, 60)}...` : plain;
  return `left out line ${lineNo}: it has no line end, so it was cut while being written: ${shown}`;
}

/** Up to `max` complete, non-blank lines of the head (a cut last line is left out unless the head is whole). */
export function headLines(head: Head, max = 2000): string[] {
  const lines = head.text.split('\n');
  if (!head.complete) lines.pop();
  const out: string[] = [];
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim().length > 0) out.push(line);
    if (out.length >= max) break;
  }
  return out;
}

/** A step must be a non-negative integer (steps index optimizer updates; the store keys points by them). */
export function isStep(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
