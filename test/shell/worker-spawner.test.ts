/** The app's run workers: `utilityProcess.fork` of the built worker, seen through the lab's WorkerHandle. */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import type { WorkerExit } from '../../src-main/lab/runner';

class FakeUtilityProcess extends EventEmitter {
  pid: number | undefined = undefined;
  stdout = new PassThrough();
  stderr = new PassThrough();
  posted: unknown[] = [];
  postMessage(message: unknown) {
    this.posted.push(message);
  }
}

const forks: { modulePath: string; args: string[]; options: Record<string, unknown>; child: FakeUtilityProcess }[] = [];

vi.mock('electron', () => ({
  utilityProcess: {
    fork(modulePath: string, args: string[], options: Record<string, unknown>) {
      const child = new FakeUtilityProcess();
      forks.push({ modulePath, args, options, child });
      return child;
    },
  },
}));

const { utilityWorkerSpawner } = await import('../../src-main/shell/worker-spawner');

describe('utility-process workers', () => {
  it('forks the built worker with the job, keeps the pid past exit, filters messages, reports the exit', async () => {
    const appPath = path.join('app', 'root');
    const job = { dbPath: 'lab.db', runId: 4, resume: true, claimedBy: 77 };
    const handle = utilityWorkerSpawner(appPath)(job);
    const [{ modulePath, args, options, child }] = forks;
    expect(modulePath).toBe(path.join(appPath, 'out', 'main', 'worker.js'));
    expect(args).toEqual(['--job', JSON.stringify(job)]);
    expect(options).toMatchObject({ stdio: 'pipe' });

    child.pid = 4242;
    child.emit('spawn');
    const messages: unknown[] = [];
    handle.onMessage((m) => messages.push(m));
    const progress = { type: 'progress', runId: 4, step: 1, steps: 9, latest: {}, stepsPerSecond: null };
    child.emit('message', progress);
    child.emit('message', { hello: 'not a worker message' });
    expect(messages).toEqual([progress]);

    handle.send({ type: 'job', job });
    expect(child.posted).toEqual([{ type: 'job', job }]);

    const exits: WorkerExit[] = [];
    handle.onExit((e) => exits.push(e));
    child.stderr.write('Error: something broke\n');
    await new Promise((resolve) => setImmediate(resolve));
    child.pid = undefined; // Electron clears it once the process is gone
    child.emit('exit', 1);
    expect(handle.pid).toBe(4242);
    expect(exits).toEqual([{ code: 1, signal: null, output: 'Error: something broke' }]);
  });
});
