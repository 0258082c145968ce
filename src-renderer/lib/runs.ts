/** The run list as events change it: pure functions, so the view's live behaviour is testable without a lab. */
import type { LabEvent, RunRecord } from '../../src-main/contract';

/** Newest first; ids break ties between runs created in the same millisecond. */
export function sortRuns(runs: RunRecord[]): RunRecord[] {
  return [...runs].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
}

/** A metric missing from this step (eval runs every N steps) keeps its last known value. */
function mergeLatest(
  known: Record<string, number | null>,
  update: Record<string, number | null>,
): Record<string, number | null> {
  const merged = { ...known };
  for (const [key, value] of Object.entries(update)) if (value !== null) merged[key] = value;
  return merged;
}

/** The events that change the run list; every other event (imports, figures, …) leaves it as it is. */
const apply: {
  [K in LabEvent['name']]?: (runs: RunRecord[], payload: Extract<LabEvent, { name: K }>['payload']) => RunRecord[];
} = {
  'run.changed': (runs, { run }) => sortRuns([...runs.filter((r) => r.id !== run.id), run]),
  'run.deleted': (runs, { ids }) => runs.filter((r) => !ids.includes(r.id)),
  // Progress for a run not yet listed is dropped: its `run.changed` brings the whole record.
  'run.progress': (runs, p) =>
    runs.map((r) =>
      r.id === p.id
        ? { ...r, step: p.step, steps: p.steps, status: p.status, latest: mergeLatest(r.latest, p.latest) }
        : r,
    ),
};

export function applyRunEvent(runs: RunRecord[], event: LabEvent): RunRecord[] {
  const handler = apply[event.name] as ((runs: RunRecord[], payload: LabEvent['payload']) => RunRecord[]) | undefined;
  return handler ? handler(runs, event.payload) : runs;
}
