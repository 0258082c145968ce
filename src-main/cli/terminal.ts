/**
 * How the CLI writes to a terminal, and how it does not where there is none.
 *
 * - Text from runs (names, tags, errors) and from imported files (metric keys) may hold control
 *   characters; printed raw they can clear the screen, move the cursor or hide text. Every command
 *   writes through `escapingStream`, which shows them as `\u001b` and the like.
 * - Live progress redraws its lines in place through log-update on a real terminal. Where stderr is
 *   a file, a pipe or `TERM=dumb`, no escape code is written at all: plain lines every few seconds.
 */
import { createLogUpdate } from 'log-update';

/**
 * C0 controls but newline and tab, DEL, C1 controls (0x9b is a one-byte CSI to some terminals), and
 * the bidirectional overrides and isolates that can make text read differently from what it is.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every unsafe character written as a `\uXXXX` escape (valid inside JSON strings too). */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

interface TerminalLike {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

/** A stream that escapes control characters in what is written to it; `raw` is the stream beneath. */
export function escapingStream(stream: NodeJS.WritableStream): NodeJS.WritableStream & { raw: NodeJS.WritableStream } {
  const safe = {
    raw: stream,
    write(chunk: unknown, ...rest: unknown[]): boolean {
      const text = typeof chunk === 'string' ? escapeControl(chunk) : chunk;
      return (stream.write as (...args: unknown[]) => boolean)(text, ...rest);
    },
    get isTTY() {
      return (stream as TerminalLike).isTTY;
    },
    get columns() {
      return (stream as TerminalLike).columns;
    },
    get rows() {
      return (stream as TerminalLike).rows;
    },
  };
  return safe as unknown as NodeJS.WritableStream & { raw: NodeJS.WritableStream };
}

/** The stream progress may draw on: the raw one beneath an escaping stream. */
function rawOf(stream: NodeJS.WritableStream): NodeJS.WritableStream {
  return (stream as { raw?: NodeJS.WritableStream }).raw ?? stream;
}

/** Whether `stream` is a terminal that understands cursor movement. */
export function isInteractive(stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean {
  return (stream as TerminalLike).isTTY === true && env.TERM !== 'dumb';
}

/**
 * The width lines may take: the terminal's columns less one (writing the last column wraps on some
 * terminals), or null when unknown. Some terminals report 0 columns (serial consoles, some CI
 * runners): that is unknown too, never "no room".
 */
export function usableColumns(stream: NodeJS.WritableStream): number | null {
  const columns = (stream as TerminalLike).columns;
  return typeof columns === 'number' && columns > 1 ? columns - 1 : null;
}

/** `line` cut to `width` characters (with an ellipsis), or as it is when the width is unknown. */
export function fitLine(line: string, width: number | null): string {
  const chars = [...line];
  if (width === null || chars.length <= width) return line;
  return width <= 1 ? chars.slice(0, width).join('') : `${chars.slice(0, width - 1).join('')}…`;
}

/** Seconds between plain progress reports where nothing can be redrawn. */
const PLAIN_EVERY_S = 10;

export interface LiveLines {
  /** Replaces the live lines (redrawn on a terminal; printed every few seconds, or when forced, elsewhere). */
  update(lines: readonly string[], force?: boolean): void;
  /** A permanent line above the live ones. */
  note(text: string): void;
  /** Leaves the live lines as they are and moves below them. */
  done(): void;
}

/** Live progress on `stream` (stderr): redrawn in place on a terminal, plain lines elsewhere. */
export function liveLines(
  stream: NodeJS.WritableStream,
  env: NodeJS.ProcessEnv = process.env,
  now: () => number = Date.now,
): LiveLines {
  const out = rawOf(stream);
  if (!isInteractive(out, env)) return plainLines(out, now);
  // log-update reads `columns` to wrap: hand it a width only when the terminal gives a real one.
  const view = {
    write: (text: string) => out.write(text),
    get columns() {
      return usableColumns(out) ?? undefined;
    },
    get rows() {
      const rows = (out as TerminalLike).rows;
      return typeof rows === 'number' && rows > 0 ? rows : undefined;
    },
    isTTY: true,
  };
  const render = createLogUpdate(view as unknown as NodeJS.WriteStream, { showCursor: true, defaultWidth: 10_000 });
  let current: string[] = [];
  const frame = () => current.map((l) => fitLine(escapeControl(l), usableColumns(out))).join('\n');
  return {
    update(lines) {
      current = [...lines];
      render(frame());
    },
    note(text) {
      render.persist(escapeControl(text));
      if (current.length > 0) render(frame());
    },
    done() {
      render.done();
      current = [];
    },
  };
}

function plainLines(out: NodeJS.WritableStream, now: () => number): LiveLines {
  let last = -Infinity;
  return {
    update(lines, force = false) {
      if (!force && now() - last < PLAIN_EVERY_S * 1000) return;
      last = now();
      if (lines.length > 0) out.write(`${lines.map(escapeControl).join('\n')}\n`);
    },
    note(text) {
      out.write(`${escapeControl(text)}\n`);
    },
    done() {},
  };
}

/** Signals that ask a command to stop: Ctrl-C, `kill` (SIGTERM) and a closed terminal (SIGHUP). */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** The exit code shells expect after a signal: 128 + its number (130 for Ctrl-C, 143 for SIGTERM). */
export function signalExitCode(signal: StopSignal): number {
  return 128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const)[signal];
}

/**
 * Calls `handler` on each stop signal until the returned function is called. While registered, the
 * signals no longer end the process by themselves: the handler decides (stop the worker after its
 * step, then end), so no worker is left training on its own.
 */
export function onStopSignals(handler: (signal: StopSignal, count: number) => void): () => void {
  let count = 0;
  const listeners = STOP_SIGNALS.map((signal) => {
    const listener = () => handler(signal, ++count);
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  return () => {
    for (const [signal, listener] of listeners) process.off(signal, listener);
  };
}
