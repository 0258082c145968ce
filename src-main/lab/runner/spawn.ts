/**
 * Starting worker processes. The lab takes any `SpawnWorker`: the Electron shell passes one built on
 * `utilityProcess.fork` (only the shell may import electron); under Node this default forks the
 * worker entry with `child_process.fork` — `out/main/worker.js` when running from the build, or
 * `src-main/lab/worker.ts` through tsx when running from source (tests, `npx tsx`).
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isWorkerMessage, JOB_FLAG, type ParentMessage, type WorkerJob, type WorkerMessage } from './protocol';

export interface WorkerExit {
  code: number | null;
  signal: string | null;
  /** The end of what the process wrote to stdout and stderr (for the run's error when it crashed). */
  output: string;
}

/** A started worker process, whatever started it. */
export interface WorkerHandle {
  readonly pid: number | undefined;
  send(msg: ParentMessage): void;
  onMessage(listener: (msg: WorkerMessage) => void): void;
  /** Called once, after the process has exited. */
  onExit(listener: (exit: WorkerExit) => void): void;
  /** Ends the process at once (SIGKILL); the run becomes interrupted. */
  kill(): void;
}

export type SpawnWorker = (job: WorkerJob) => WorkerHandle;

/** Characters of worker output kept for error messages. */
const OUTPUT_TAIL = 4000;

/** Keeps the last `OUTPUT_TAIL` characters written to a stream. */
export function outputTail() {
  let text = '';
  return {
    append(chunk: Buffer | string) {
      text = (text + chunk.toString()).slice(-OUTPUT_TAIL);
    },
    get text() {
      return text.trim();
    },
  };
}

/** The worker entry next to this code: built `worker.js`, or the TypeScript source run through tsx. */
export function workerEntry(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    return { file: path.join(path.dirname(here), '..', 'worker.ts'), execArgv: ['--import', tsx] };
  }
  // Bundled: this code sits in out/main/ (or a chunk folder below it) beside worker.js.
  const candidates = [path.join(path.dirname(here), 'worker.js'), path.join(path.dirname(here), '..', 'worker.js')];
  const file = candidates.find((f) => fs.existsSync(f));
  if (!file) throw new Error(`the run worker is missing (looked for ${candidates.join(', ')}); run \`npm run build\``);
  return { file, execArgv: [] };
}

/** The Node spawner: `child_process.fork` of the worker entry, the job on its command line. */
export const forkWorker: SpawnWorker = (job) => {
  const entry = workerEntry();
  const child = fork(entry.file, [JOB_FLAG, JSON.stringify(job)], {
    execArgv: entry.execArgv,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    // Structured clone, as Electron's utilityProcess uses: a progress report's ±Infinity (a KL that
    // blew up) arrives as such; JSON would turn it into null, a missing value.
    serialization: 'advanced',
  });
  const output = outputTail();
  child.stdout?.on('data', output.append);
  child.stderr?.on('data', output.append);
  return {
    pid: child.pid,
    send(msg) {
      if (child.connected) child.send(msg);
    },
    onMessage(listener) {
      child.on('message', (msg) => {
        if (isWorkerMessage(msg)) listener(msg);
      });
    },
    onExit(listener) {
      // 'close' comes after the output streams are drained, so the tail is complete.
      child.once('close', (code, signal) => listener({ code, signal, output: output.text }));
    },
    kill() {
      child.kill('SIGKILL');
    },
  };
};
