/**
 * How the queue gives runs their threads (lab/runner/threads.ts): runs started together share the
 * free cores evenly, a run's own `threads` setting wins, and the count reaches the worker, which
 * starts its backend with it. Read from the jobs the queue hands its real worker processes.
 */
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../../src-main/lab';
import { forkWorker, type SpawnWorker, type WorkerJob } from '../../../src-main/lab/runner';
import { shareOfFreeCores } from '../../../src-main/lab/runner/threads';
import { openLab, tinyTabular, waitForEnd } from './helpers';

/** The real spawner, recording each job it starts. */
function recordingSpawner(): { spawnWorker: SpawnWorker; jobs: WorkerJob[] } {
  const jobs: WorkerJob[] = [];
  return { jobs, spawnWorker: (job) => (jobs.push(job), forkWorker(job)) };
}

describe('threads per run', () => {
  it('shares the free cores evenly among runs starting together, at least one each', () => {
    expect(shareOfFreeCores(8, 0, 3)).toBe(2);
    expect(shareOfFreeCores(8, 0, 1)).toBe(8);
    expect(shareOfFreeCores(8, 6, 1)).toBe(2);
    expect(shareOfFreeCores(8, 8, 2)).toBe(1);
    expect(shareOfFreeCores(2, 5, 1)).toBe(1);
  });

  it('gives a sweep an even share of the cores and a run its own setting', async () => {
    const { spawnWorker, jobs } = recordingSpawner();
    const lab = openLab({ runQueue: true, maxConcurrent: 3, cores: 7, spawnWorker });
    const sweep = await dispatch(lab, 'sweeps.start', { config: tinyTabular({ steps: 2 }), seeds: 3 });
    const ids = sweep.runs.map((r) => r.id);
    await Promise.all(ids.map((id) => waitForEnd(lab, id)));
    expect(jobs.map((j) => [j.runId, j.threads])).toEqual(ids.map((id) => [id, 2])); // floor(7 / 3)

    const { run } = await dispatch(lab, 'runs.start', { config: tinyTabular({ steps: 2, threads: 5 }) });
    expect(await waitForEnd(lab, run.id)).toMatchObject({ status: 'completed' });
    expect(jobs.at(-1)).toMatchObject({ runId: run.id, threads: 5 });
  });
});
