/**
 * Run workers in the app: Electron's `utilityProcess` (a Node child under Chromium's process
 * model) running the built worker entry, `out/main/worker.js`. The lab only sees a SpawnWorker, so
 * everything else about runs is the same as under plain Node (issue 4; design.md "Processes").
 */
import path from 'node:path';
import { utilityProcess } from 'electron';
import { isWorkerMessage, JOB_FLAG } from '../lab/runner/protocol';
import { outputTail, type SpawnWorker, type WorkerExit } from '../lab/runner/spawn';

/** `appPath` is the folder holding package.json (Electron's `app.getAppPath()`). */
export function utilityWorkerSpawner(appPath: string): SpawnWorker {
  const entry = path.join(appPath, 'out', 'main', 'worker.js');
  return (job) => {
    const child = utilityProcess.fork(entry, [JOB_FLAG, JSON.stringify(job)], {
      stdio: 'pipe',
      serviceName: `cliplab run ${job.runId}`,
    });
    // The pid is known once the process spawned, and cleared again when it exits: keep it.
    let pid = child.pid;
    child.once('spawn', () => (pid = child.pid));
    const output = outputTail();
    child.stdout?.on('data', output.append);
    child.stderr?.on('data', output.append);
    return {
      get pid() {
        return pid;
      },
      send: (msg) => child.postMessage(msg),
      onMessage(listener) {
        child.on('message', (msg: unknown) => {
          if (isWorkerMessage(msg)) listener(msg);
        });
      },
      onExit(listener) {
        child.once('exit', (code: number) =>
          listener({ code, signal: null, output: output.text } satisfies WorkerExit),
        );
      },
      kill() {
        // child.kill() sends SIGTERM, which a worker treats as "stop after this step"; this must not wait.
        try {
          if (pid !== undefined) process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      },
    };
  };
}
