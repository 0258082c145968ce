/**
 * Following a log that a trainer is still writing: poll the file (and react sooner to fs.watch where
 * the OS offers it), decode only the bytes added since the last look, and hand out the new points.
 * A half-written last line or record waits for its end; a file that shrinks or is replaced (log
 * rotation, a restarted job) is read again from the start, and points at steps already handed out
 * are not repeated. Whole-document formats (trainer_state.json) are re-read when they change; a read
 * that catches the writer mid-save is retried on the next poll.
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { SeriesBuilder } from './builder';
import { decodeContainer, findContainer, type FoundContainer } from './containers';
import { detectFormat, HEAD_BYTES, readHead } from './detect';
import { ImportError } from './errors';
import { FORMATS, type Decoder } from './formats';
import type { DecodeOptions, FileFormatName, ImportedSeries } from './types';

export interface FollowOptions {
  /** Name used in messages (defaults to the path). */
  name?: string;
  format?: FileFormatName | 'auto';
  options?: DecodeOptions;
  /** @default 1000 */
  intervalMs?: number;
  /** Also listen to fs.watch events between polls. @default true */
  watch?: boolean;
}

export interface FollowBatch {
  format: FileFormatName;
  /** Points not handed out before, per key, in step order. */
  series: Map<string, ImportedSeries>;
  /** Params found so far. */
  params: Record<string, unknown>;
  /** The file was truncated or replaced and has been read again from its start. */
  restarted: boolean;
}

const READ_CHUNK = 4 * 1024 * 1024;

interface Reading {
  format: FileFormatName;
  /** A Kaggle log or notebook: re-read whole and unwrapped when it changes. */
  container: FoundContainer | null;
  out: SeriesBuilder;
  decoder: Decoder;
  offset: number;
  ino: number;
  signature: string;
}

export class LogFollower implements AsyncIterable<FollowBatch> {
  private readonly name: string;
  private reading: Reading | null = null;
  private readonly handedOut = new Map<string, number>();
  private queue: FollowBatch[] = [];
  private wake: (() => void) | null = null;
  private failure: Error | null = null;
  private stopped = false;
  private busy = false;
  private again = false;
  private restartPending = false;
  private readonly timer: NodeJS.Timeout;
  private watcher: FSWatcher | null = null;

  constructor(
    private readonly path: string,
    private readonly opts: FollowOptions = {},
  ) {
    this.name = opts.name ?? path;
    this.timer = setInterval(() => this.kick(), opts.intervalMs ?? 1000);
    if (opts.watch !== false) this.watchFile();
    this.kick();
  }

  get format(): FileFormatName | null {
    return this.reading?.format ?? null;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.watcher?.close();
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<FollowBatch> {
    for (;;) {
      if (this.queue.length > 0) {
        yield this.queue.shift() as FollowBatch;
        continue;
      }
      if (this.failure) throw this.failure;
      if (this.stopped) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  /** Runs one look at the file now (serialised: a kick during a look schedules another). */
  kick(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.look()
      .catch((err: unknown) => this.fail(err))
      .finally(() => {
        this.busy = false;
        if (this.again && !this.stopped) {
          this.again = false;
          this.kick();
        }
      });
  }

  private watchFile(): void {
    try {
      this.watcher = watch(this.path, () => this.kick());
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      this.watcher = null; // not supported here, or the file does not exist yet: polling covers it
    }
  }

  private fail(err: unknown): void {
    this.failure = err instanceof Error ? err : new Error(String(err));
    this.stop();
  }

  private async look(): Promise<void> {
    const info = await stat(this.path).catch(() => null);
    if (info === null) return; // not written yet, or mid-rotation
    // A stream that shrank or was replaced starts over; a whole document is simply read again.
    const r = this.reading;
    if (r && kindOf(r) === 'stream' && (info.ino !== r.ino || info.size < r.offset)) {
      this.reading = null;
      this.restartPending = true;
    }
    this.reading ??= await this.begin(info.ino, info.size);
    if (this.reading === null) return;
    const fresh =
      kindOf(this.reading) === 'whole'
        ? await this.rereadWhole(this.reading, `${info.ino}:${info.size}:${info.mtimeMs}`)
        : await this.readNew(this.reading, info.size);
    this.publish(this.reading, fresh);
  }

  /** Decides the format (waiting while the file is too short to tell) and sets up a decoder. */
  private async begin(ino: number, size: number): Promise<Reading | null> {
    let format = this.opts.format && this.opts.format !== 'auto' ? this.opts.format : null;
    const head = size > 0 ? await readHead(this.path, this.name) : null;
    const container = head ? findContainer(head) : null;
    if (container) return this.beginContainer(container, ino);
    if (format === null) {
      if (head === null) return null;
      try {
        format = detectFormat(head).format;
      } catch (err) {
        // Early in a run the log may hold only start-up noise; give up only once the head is full.
        if (err instanceof ImportError && head.bytes.length < HEAD_BYTES) return null;
        throw err;
      }
    }
    const out = new SeriesBuilder();
    const decoder = FORMATS[format].decoder({ file: this.name, out, options: this.opts.options ?? {} });
    return { format, container: null, out, decoder, offset: 0, ino, signature: '' };
  }

  /** A container's inner format is known once its text holds a metric; until then, wait. */
  private async beginContainer(container: FoundContainer, ino: number): Promise<Reading | null> {
    let format: FileFormatName;
    try {
      format = this.decodeWhole(await this.readAll(), container, this.opts.format ?? 'auto').detection
        .format as FileFormatName;
    } catch (err) {
      if (err instanceof ImportError) return null; // mid-save, or no metrics printed yet
      throw err;
    }
    const out = new SeriesBuilder();
    const decoder = { push: () => {}, end: () => {} }; // containers are re-read whole
    return { format, container, out, decoder, offset: 0, ino, signature: '' };
  }

  /** The whole file decoded: a container unwrapped first, a document as its format. */
  private decodeWhole(bytes: Buffer, container: FoundContainer | null, format: FileFormatName | 'auto') {
    const options = this.opts.options ?? {};
    if (container) return decodeContainer(bytes, this.name, container, format, options);
    if (format === 'auto') throw new Error('a whole-document follow always knows its format');
    const out = new SeriesBuilder();
    const decoder = FORMATS[format].decoder({ file: this.name, out, options });
    decoder.push(bytes);
    decoder.end();
    return { ...out.finish(format), detection: { format, reason: '' } };
  }

  private async readAll(): Promise<Buffer> {
    const handle = await open(this.path, 'r');
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  private async readNew(r: Reading, size: number): Promise<Map<string, ImportedSeries>> {
    if (size <= r.offset) return new Map();
    const handle = await open(this.path, 'r');
    try {
      while (r.offset < size) {
        const buf = Buffer.alloc(Math.min(READ_CHUNK, size - r.offset));
        const { bytesRead } = await handle.read(buf, 0, buf.length, r.offset);
        if (bytesRead === 0) break;
        r.decoder.push(buf.subarray(0, bytesRead));
        r.offset += bytesRead;
      }
    } finally {
      await handle.close();
    }
    return r.out.drain();
  }

  private async rereadWhole(r: Reading, signature: string): Promise<Map<string, ImportedSeries>> {
    if (signature === r.signature) return new Map();
    const bytes = await this.readAll();
    let parsed: ReturnType<LogFollower['decodeWhole']>;
    try {
      parsed = this.decodeWhole(bytes, r.container, r.format);
    } catch (err) {
      if (err instanceof ImportError) return new Map(); // caught mid-save; the next poll reads it again
      throw err;
    }
    r.signature = signature;
    r.offset = bytes.length;
    Object.assign(r.out.params, parsed.params);
    return parsed.series;
  }

  /** Queues the points at steps beyond what each key has already handed out. */
  private publish(r: Reading, fresh: Map<string, ImportedSeries>): void {
    const series = new Map<string, ImportedSeries>();
    for (const [key, s] of fresh) {
      const last = this.handedOut.get(key) ?? -Infinity;
      const keep = s.steps.map((step, i) => (step > last ? i : -1)).filter((i) => i >= 0);
      if (keep.length === 0) continue;
      const steps = keep.map((i) => s.steps[i]);
      series.set(key, {
        steps,
        values: keep.map((i) => s.values[i]),
        times: s.times ? keep.map((i) => (s.times as number[])[i]) : null,
      });
      this.handedOut.set(
        key,
        steps.reduce((m, step) => Math.max(m, step), last),
      );
    }
    if (series.size === 0 && !this.restartPending) return;
    this.queue.push({ format: r.format, series, params: { ...r.out.params }, restarted: this.restartPending });
    this.restartPending = false;
    this.wake?.();
  }
}

export function followLog(path: string, opts: FollowOptions = {}): LogFollower {
  return new LogFollower(path, opts);
}

/** How a reading takes new bytes: a stream decodes only what was appended, a whole document is re-read. */
function kindOf(r: Reading): 'stream' | 'whole' {
  return r.container ? 'whole' : FORMATS[r.format].kind;
}
