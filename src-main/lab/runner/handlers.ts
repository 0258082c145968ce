/** Handlers of the training calls (contract/api/training.ts): start, sweep, cancel, resume, control, queue. */
import { ApiError, RESUMABLE, type ApiHandlers, type RunConfig, type RunRecord } from '../../contract';
import type { LabContext } from '../context';
import { createLocalRun } from '../create-run';
import { announceRun, readRun } from '../records';
import { createControlRun } from './plans';
import { sweepPlan } from './sweep-plan';
import type { RunQueue } from './queue';

type TrainingHandlers = Pick<
  ApiHandlers,
  | 'runs.start'
  | 'sweeps.start'
  | 'sweeps.plan'
  | 'runs.cancel'
  | 'runs.resume'
  | 'runs.control'
  | 'queue.list'
  | 'queue.move'
>;

/** Checks that a run can continue from its last checkpoint; throws a conflict saying why not. */
export function assertResumable(run: RunRecord): void {
  if (run.origin !== 'local') throw new ApiError('bad_request', `run ${run.id} was imported; only local runs train`);
  if (run.status === 'diverged') {
    throw new ApiError(
      'conflict',
      `run ${run.id} diverged; resuming would diverge again at the same step (same seed). Start a new run with a smaller optim.lr`,
    );
  }
  if (!RESUMABLE.includes(run.status)) {
    throw new ApiError('conflict', `run ${run.id} is ${run.status}; only ${RESUMABLE.join(', ')} runs can be resumed`);
  }
}

/** A control needs rewards to replace: a run with Bernoulli rewards is a control already. */
function assertControllable(configs: readonly RunConfig[]): void {
  if (configs.some((c) => c.reward.kind === 'bernoulli')) {
    throw new ApiError(
      'bad_request',
      'control: the config already has random (Bernoulli) rewards; it needs no control',
      [{ path: 'control', message: 'expected false for a config with reward.kind "bernoulli"' }],
    );
  }
}

export function trainingHandlers(ctx: LabContext, queue: RunQueue): TrainingHandlers {
  const { store } = ctx;
  return {
    'runs.start': ({ config, name, tags, control, controlP }) => {
      if (control) assertControllable([config]);
      const [id, twinId] = store.transaction(() => {
        const run = createLocalRun(ctx, config, { name, tags });
        return control ? [run.id, createControlRun(ctx, run.id, controlP ?? 0.5).id] : [run.id];
      });
      queue.enqueue(twinId === undefined ? [id] : [id, twinId]);
      return { run: readRun(ctx, id), control: twinId === undefined ? null : readRun(ctx, twinId) };
    },
    'sweeps.start': (req) => {
      const plan = sweepPlan(ctx, req, queue.maxConcurrent);
      if (req.control) assertControllable(plan.planned.map((p) => p.config));
      const ids = store.transaction(() =>
        plan.planned.flatMap((p) => {
          const run = createLocalRun(ctx, p.config, { name: p.name, tags: req.tags });
          return req.control ? [run.id, createControlRun(ctx, run.id, req.controlP ?? 0.5).id] : [run.id];
        }),
      );
      queue.enqueue(ids);
      const skipped = req.skipExisting ? plan.cells.flatMap((c) => (c.existing ? [c.existing.id] : [])) : [];
      return { ids, runs: ids.map((id) => readRun(ctx, id)), skipped };
    },
    'sweeps.plan': (req) => {
      const { planned: _planned, ...plan } = sweepPlan(ctx, req, queue.maxConcurrent);
      return plan;
    },
    'runs.cancel': ({ id }) => queue.cancel(id),
    'runs.resume': ({ id }) => {
      assertResumable(readRun(ctx, id));
      store.setRunStatus(id, 'queued');
      const run = announceRun(ctx, id);
      queue.enqueue([id], true);
      return run;
    },
    'runs.control': ({ id, p }) => {
      const twin = createControlRun(ctx, id, p);
      queue.enqueue([twin.id]);
      return readRun(ctx, twin.id);
    },
    'queue.list': () => queue.state(),
    'queue.move': ({ id, position }) => queue.move(id, position),
  };
}
