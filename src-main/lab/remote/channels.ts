/**
 * How a remote run's probe records reach cliplab, one class per channel:
 *
 * logs: Ray's log tail (a WebSocket that sends the whole log, then each new piece) while the job
 *   runs, and once it has ended one read of the whole log, so nothing the tail missed (a dropped
 *   connection, cliplab closed meanwhile) is lost. Each pass reads the log from its start; points
 *   at steps already stored are dropped by the follower, so none is stored twice.
 * path: the stream file on shared storage, read from where the last read stopped (from the start
 *   after a restart, or when the file shrank: a job started over).
 */
import { open, stat } from 'node:fs/promises';
import type { StoredRemoteJob } from '../../store';
import { SeriesBuilder } from '../import/builder';
import { FORMATS, type Decoder } from '../import/formats';
import type { ImportedSeries } from '../import/types';
import { ProbeLogReader } from './probe-log';
import type { RayJobsClient } from './ray-client';
import type { WebSocketSession } from './websocket';

export type SeriesSink = (series: Map<string, ImportedSeries>) => void;

export interface MetricsChannel {
  /** Brings in what is new while the job runs (opens the tail, reads the file). */
  poll(client: RayJobsClient): Promise<void>;
  /** Reads everything there is, once the job has ended. */
  drain(client: RayJobsClient): Promise<void>;
  close(): void;
}

class LogsChannel implements MetricsChannel {
  private tail: WebSocketSession | null = null;
  private opening = false;

  constructor(
    private readonly job: StoredRemoteJob,
    private readonly sink: SeriesSink,
  ) {}

  async poll(client: RayJobsClient): Promise<void> {
    if (this.tail || this.opening) return;
    this.opening = true;
    const reader = new ProbeLogReader(`${this.job.target} job ${this.job.jobId}`);
    try {
      const tail = await client.tailJobLogs(this.job.jobId, (text) => {
        reader.push(text);
        this.sink(reader.drain());
      });
      this.tail = tail;
      // Ray ends the stream after the job ends; a cut one is opened again on the next poll.
      void tail.closed.catch(() => undefined).finally(() => this.tail === tail && (this.tail = null));
    } finally {
      this.opening = false;
    }
  }

  async drain(client: RayJobsClient): Promise<void> {
    this.close();
    const reader = new ProbeLogReader(`${this.job.target} job ${this.job.jobId}`);
    reader.push(await client.getJobLogs(this.job.jobId));
    reader.end();
    this.sink(reader.drain());
  }

  close(): void {
    this.tail?.close();
    this.tail = null;
  }
}

const READ_CHUNK = 4 * 1024 * 1024;

class PathChannel implements MetricsChannel {
  private offset = 0;
  private out = new SeriesBuilder();
  private decoder: Decoder;

  constructor(
    private readonly job: StoredRemoteJob & { streamPath: string },
    private readonly sink: SeriesSink,
  ) {
    this.decoder = this.newDecoder();
  }

  async poll(): Promise<void> {
    const info = await stat(this.job.streamPath).catch(() => null);
    if (info === null) return; // the job has not written it yet
    if (info.size < this.offset) {
      this.offset = 0;
      this.out = new SeriesBuilder();
      this.decoder = this.newDecoder();
    }
    const handle = await open(this.job.streamPath, 'r');
    try {
      while (this.offset < info.size) {
        const buf = Buffer.alloc(Math.min(READ_CHUNK, info.size - this.offset));
        const { bytesRead } = await handle.read(buf, 0, buf.length, this.offset);
        if (bytesRead === 0) break;
        this.decoder.push(buf.subarray(0, bytesRead));
        this.offset += bytesRead;
      }
    } finally {
      await handle.close();
    }
    this.sink(this.out.drain());
  }

  async drain(): Promise<void> {
    await this.poll();
  }

  close(): void {}

  private newDecoder(): Decoder {
    return FORMATS['cliplab-probe'].decoder({ file: this.job.streamPath, out: this.out, options: {} });
  }
}

export function metricsChannel(job: StoredRemoteJob, sink: SeriesSink): MetricsChannel {
  if (job.channel === 'path' && job.streamPath !== null) {
    return new PathChannel({ ...job, streamPath: job.streamPath }, sink);
  }
  return new LogsChannel(job, sink);
}
