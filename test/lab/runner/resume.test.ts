/**
 * Crash safety with real worker processes (issue 4, item 2): a worker killed with SIGKILL at a random
 * step leaves its run `interrupted` (seen by the next lab that opens the database); resuming it gives
 * every step exactly once and the same metrics and samples as an uninterrupted run with the same seed,
 * timings aside. The GPT case runs on cpu and on wasm (with the fused kernels there).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { LabEvent, RunConfig } from '../../../src-main/contract';
import { createLocalRun, dispatch, readRun, type LabService } from '../../../src-main/lab';
import { forkWorker } from '../../../src-main/lab/runner';
import { STALE_MS } from '../../../src-main/lab/runner/liveness';
import { tempDbPath } from '../../support/temp';
import { closeLab, openLab, tinyGpt, tinyTabular, untimedMetrics, waitFor, waitForEnd } from './helpers';

/** A step strictly after the first checkpoint and well before the end, chosen at random. */
function randomKillStep(config: RunConfig, latest: number): number {
  const first = config.log.checkpointEvery; // the first checkpoint is stored after this many steps
  return first + Math.floor(Math.random() * (latest - first + 1));
}

/** Waits until the run has stored `step`, then kills its worker process with SIGKILL; returns its pid. */
async function killAfter(lab: LabService, id: number, step: number): Promise<number> {
  const { store } = lab.context;
  const pid = await waitFor(`run ${id} to store step ${step}`, () => {
    const row = store.getRun(id)!;
    const pid = row.workerPid;
    return (store.lastStep(id) ?? -1) >= step && pid !== null && pid !== process.pid ? pid : undefined;
  });
  process.kill(pid, 'SIGKILL');
  return pid;
}

function expectSameRun(lab: LabService, id: number, referenceId: number, steps: number): void {
  const { store } = lab.context;
  const resumed = untimedMetrics(store, id);
  expect(resumed).toEqual(untimedMetrics(store, referenceId));
  expect(resumed.entropy.steps).toEqual(Array.from({ length: steps }, (_, i) => i));
  for (let step = 0; step < steps; step++)
    expect(store.samplesJson(id, step)).toBe(store.samplesJson(referenceId, step));
}

describe('resume after kill -9', () => {
  it('tabular: a run whose worker died is found interrupted at the next start and resumes exactly', async () => {
    const config = tinyTabular({ steps: 40, log: { checkpointEvery: 4 } });
    const dbPath = tempDbPath();
    let lab = openLab({ runQueue: true, maxConcurrent: 1 }, dbPath);
    const { run: reference } = await dispatch(lab, 'runs.start', { config });
    // The victim runs in a worker this test starts itself, so only the next lab can notice its death.
    const victim = createLocalRun(lab.context, config);
    expect(lab.context.store.claimRun(victim.id, process.pid, ['queued'])).toBe(true);
    const worker = forkWorker({ dbPath, runId: victim.id, resume: false, claimedBy: process.pid });
    const exited = new Promise((resolve) => worker.onExit(resolve));
    const killStep = randomKillStep(config, 15);
    const pid = await killAfter(lab, victim.id, killStep);
    await exited;
    expect(readRun(lab.context, victim.id).status).toBe('running'); // nobody has looked yet
    expect(lab.context.store.lastStep(victim.id)).toBeLessThan(config.steps - 1);
    await waitForEnd(lab, reference.id);
    await closeLab(lab);

    lab = openLab({ runQueue: true }, dbPath);
    const found = readRun(lab.context, victim.id);
    expect(found.status).toBe('interrupted');
    expect(found.error).toContain(`pid ${pid}`);
    await dispatch(lab, 'runs.resume', { id: victim.id });
    const done = await waitForEnd(lab, victim.id);
    expect(done, `killed after step ${killStep}`).toMatchObject({ status: 'completed', step: config.steps - 1 });
    expectSameRun(lab, victim.id, reference.id, config.steps);
  });

  // On wasm the GPT runs our fused kernels (engine/simd): they too must give a resumed run the same numbers.
  it.each(['cpu', 'wasm'] as const)(
    'gpt on %s: two runs share one base model build; the killed one resumes exactly',
    async (backend) => {
      const config = tinyGpt({ steps: 8, log: { checkpointEvery: 2 }, backend });
      const dbPath = tempDbPath();
      let lab = openLab({ runQueue: true, maxConcurrent: 2 }, dbPath);
      const events: LabEvent[] = [];
      lab.subscribe((e) => events.push(e));
      const { run: victim } = await dispatch(lab, 'runs.start', { config });
      const { run: reference } = await dispatch(lab, 'runs.start', { config });
      const killStep = randomKillStep(config, 5);
      await killAfter(lab, victim.id, killStep);
      expect(await waitForEnd(lab, victim.id)).toMatchObject({ status: 'interrupted' });
      expect(await waitForEnd(lab, reference.id)).toMatchObject({ status: 'completed' });
      const builders = new Set(
        events.flatMap((e) =>
          e.name === 'basemodel.progress' && e.payload.phase === 'building' ? [e.payload.runId] : [],
        ),
      );
      expect(builders.size).toBe(1);
      expect(lab.context.store.listBaseModels()).toHaveLength(1);
      await closeLab(lab);

      lab = openLab({ runQueue: true }, dbPath);
      expect(readRun(lab.context, victim.id).status).toBe('interrupted');
      await dispatch(lab, 'runs.resume', { id: victim.id });
      const done = await waitForEnd(lab, victim.id);
      expect(done, `killed after step ${killStep}`).toMatchObject({ status: 'completed', step: config.steps - 1 });
      expectSameRun(lab, victim.id, reference.id, config.steps);
    },
    180_000,
  );
});

describe('finding dead workers', () => {
  it('marks a running run interrupted when its pid is gone or its heartbeat is stale, not otherwise', async () => {
    const dbPath = tempDbPath();
    const lab = openLab({}, dbPath);
    const { store } = lab.context;
    const ids = [1, 2, 3].map(() => createLocalRun(lab.context, tinyTabular()).id);
    const exited = spawnSync(process.execPath, ['-e', '']).pid; // a pid that no longer runs
    store.claimRun(ids[0], exited, ['queued']);
    store.claimRun(ids[1], process.pid, ['queued']);
    store.heartbeat(ids[1], new Date(Date.now() - STALE_MS - 60_000));
    store.claimRun(ids[2], process.pid, ['queued']);
    await closeLab(lab);
    const next = openLab({}, dbPath);
    expect(ids.map((id) => readRun(next.context, id).status)).toEqual(['interrupted', 'interrupted', 'running']);
  });
});
