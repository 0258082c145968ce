/**
 * The body of a worker process (lab/worker.ts): finds its job, talks to whichever parent started it
 * — Electron's `utilityProcess` (process.parentPort), `child_process.fork` (process.send), or none
 * when started by hand — trains the run, and gives the exit code (non-zero when the run failed).
 */
import { isParentMessage, isWorkerJob, JOB_ENV, JOB_FLAG, type ParentMessage, type StopReason } from './protocol';
import type { WorkerJob, WorkerMessage } from './protocol';
import { runWorker } from './run-worker';

/** How long a worker waits for its job over IPC before giving up. */
const JOB_TIMEOUT_MS = 30_000;

interface ParentChannel {
  post(msg: WorkerMessage): void;
  onMessage(listener: (msg: ParentMessage) => void): void;
  /** Resolves once every message posted so far has been handed to the parent. */
  flush(): Promise<void>;
}

interface UtilityParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

function connectParent(): ParentChannel {
  const port = (process as { parentPort?: UtilityParentPort }).parentPort;
  if (port) {
    return {
      post: (msg) => port.postMessage(msg),
      onMessage: (listener) => port.on('message', (e) => isParentMessage(e.data) && listener(e.data)),
      flush: async () => {},
    };
  }
  if (process.send) {
    let pending: Promise<void> = Promise.resolve();
    return {
      post(msg) {
        // A parent that went away (app crashed) does not stop training: the run still finishes.
        if (!process.connected) return;
        pending = new Promise((resolve) => process.send!(msg, undefined, undefined, () => resolve()));
      },
      onMessage: (listener) => process.on('message', (m) => isParentMessage(m) && listener(m)),
      flush: () => pending,
    };
  }
  return { post: () => {}, onMessage: () => {}, flush: async () => {} };
}

/** A job given as `--job JSON` or in CLIPLAB_WORKER_JOB, else null. */
export function jobFromArgs(argv: readonly string[], env: NodeJS.ProcessEnv): WorkerJob | null {
  const i = argv.indexOf(JOB_FLAG);
  const text = i >= 0 ? argv[i + 1] : env[JOB_ENV];
  if (text === undefined) return null;
  const job: unknown = JSON.parse(text);
  if (!isWorkerJob(job))
    throw new Error(`worker: ${JOB_FLAG} expects { dbPath, runId, resume, claimedBy, threads? }, got ${text}`);
  return job;
}

function jobFromParent(channel: ParentChannel): Promise<WorkerJob> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker: no job arrived from the parent')), JOB_TIMEOUT_MS);
    channel.onMessage((msg) => {
      if (msg.type !== 'job') return;
      clearTimeout(timer);
      resolve(msg.job);
    });
  });
}

/** Runs the worker; resolves with the process exit code. */
export async function workerMain(argv = process.argv, env = process.env): Promise<number> {
  const channel = connectParent();
  // Ctrl-C in a terminal reaches every process of the group, and the OS may send SIGTERM: stop after
  // the step in flight, resumable. (The parent asks through the database instead: store.requestStop.)
  let stop: StopReason | null = null;
  const interrupt = () => (stop ??= 'interrupted');
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  try {
    const job = jobFromArgs(argv, env) ?? (await jobFromParent(channel));
    const outcome = await runWorker(job, { report: channel.post, stopRequested: () => stop });
    await channel.flush();
    if (outcome.status === 'failed') process.stderr.write(`run ${job.runId} failed: ${outcome.error}\n`);
    return outcome.status === 'failed' ? 1 : 0;
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
