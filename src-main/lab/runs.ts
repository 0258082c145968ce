/** Handlers of the `runs.*` calls: reading stored runs, their series and samples, and labelling them. */
import { ApiError, type ApiHandlers, type RunRecord, type SampleRecord } from '../contract';
import type { LabContext } from './context';
import { HEADLINE_KEYS, announceRun, notFound, readRun, requireRun, toRunRecord } from './records';

type RunHandlers = Pick<
  ApiHandlers,
  | 'runs.list'
  | 'runs.get'
  | 'runs.keys'
  | 'runs.series'
  | 'runs.sampleSteps'
  | 'runs.samples'
  | 'runs.rename'
  | 'runs.setTags'
  | 'runs.setNotes'
  | 'runs.delete'
  | 'runs.groups'
>;

interface ListFilter {
  status?: readonly string[];
  tags?: readonly string[];
  text?: string;
}

/** Every filter given must match: a listed status, all the tags, the text in name, notes or a tag. */
function matches(run: RunRecord, f: ListFilter): boolean {
  if (f.status && !f.status.includes(run.status)) return false;
  if (f.tags && !f.tags.every((t) => run.tags.includes(t))) return false;
  if (f.text) {
    const needle = f.text.toLowerCase();
    const haystack = [run.name, run.notes, ...run.tags].map((s) => s.toLowerCase());
    if (!haystack.some((s) => s.includes(needle))) return false;
  }
  return true;
}

function parseSamples(ctx: LabContext, id: number, step: number): SampleRecord[] {
  const text = ctx.store.samplesJson(id, step);
  if (text === undefined) return [];
  let stored: unknown;
  try {
    stored = JSON.parse(text);
  } catch {
    throw new ApiError('internal', `the samples of run ${id} at step ${step} are not valid JSON in the database`);
  }
  if (!Array.isArray(stored)) {
    throw new ApiError('internal', `the samples of run ${id} at step ${step} are not a list in the database`);
  }
  return stored.map((s: Omit<SampleRecord, 'step'>) => ({ step, prompt: s.prompt, responses: s.responses }));
}

/** Deleting a run a worker is writing to would fail its next write; it is cancelled first. */
function checkDeletable(ctx: LabContext, ids: readonly number[]): void {
  const missing = ids.filter((id) => !ctx.store.runExists(id));
  if (missing.length > 0) {
    throw new ApiError('not_found', `run${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found`, [
      { path: 'ids', message: `no run with id ${missing.join(', ')}` },
    ]);
  }
  const running = ctx.store.runIdsWithStatus(['running']).filter((id) => ids.includes(id));
  if (running.length > 0) {
    throw new ApiError('conflict', `run ${running.join(', ')} is running; cancel it before deleting it`, [
      { path: 'ids', message: `run ${running.join(', ')} is running` },
    ]);
  }
}

export function runHandlers(ctx: LabContext): RunHandlers {
  const { store } = ctx;
  const changed = (id: number, done: boolean) => {
    if (!done) throw notFound(id);
    return announceRun(ctx, id);
  };
  return {
    'runs.list': (filter) =>
      store
        .listRuns({ latestKeys: HEADLINE_KEYS })
        .map(toRunRecord)
        .filter((r) => matches(r, filter)),
    'runs.get': ({ id }) => readRun(ctx, id),
    'runs.keys': ({ id }) => {
      requireRun(ctx, id);
      return store.metricKeys(id);
    },
    'runs.series': ({ id, keys, from, to }) => {
      if (from !== undefined && to !== undefined && to < from) {
        throw new ApiError('bad_request', `to: expected a step >= from (${from}), got ${to}`, [
          { path: 'to', message: `expected a step >= from (${from})` },
        ]);
      }
      requireRun(ctx, id);
      return store.series(id, keys, { from, to });
    },
    'runs.sampleSteps': ({ id }) => {
      requireRun(ctx, id);
      return store.sampleSteps(id);
    },
    'runs.samples': ({ id, step }) => {
      requireRun(ctx, id);
      return parseSamples(ctx, id, step);
    },
    'runs.rename': ({ id, name }) => changed(id, store.renameRun(id, name)),
    'runs.setTags': ({ id, tags }) => changed(id, store.setRunTags(id, tags)),
    'runs.setNotes': ({ id, notes }) => changed(id, store.setRunNotes(id, notes)),
    'runs.delete': ({ ids }) => {
      checkDeletable(ctx, ids);
      const deleted = store.deleteRuns(ids);
      if (deleted.length > 0) ctx.emit('run.deleted', { ids: deleted });
      return { deleted };
    },
    'runs.groups': () => store.seedGroups(),
  };
}
