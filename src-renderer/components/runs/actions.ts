/** What a user can do to a run, depending on where it came from and where it stands. */
import type { RunRecord, RunStatus } from '../../../src-main/contract';

export type RunActionId = 'rename' | 'tags' | 'notes' | 'cancel' | 'resume' | 'control' | 'delete';

export interface RunAction {
  id: RunActionId;
  label: string;
  /** Opens a dialog (the label ends in an ellipsis) rather than acting at once. */
  dialog: boolean;
}

const CANCELLABLE: readonly RunStatus[] = ['queued', 'running'];
/** The lab continues these from their last checkpoint (contract/api/training.ts `runs.resume`). */
const RESUMABLE: readonly RunStatus[] = ['interrupted', 'cancelled', 'failed'];

const ACTIONS: readonly (RunAction & { applies(run: RunRecord): boolean })[] = [
  { id: 'rename', label: 'Rename…', dialog: true, applies: () => true },
  { id: 'tags', label: 'Tags…', dialog: true, applies: () => true },
  { id: 'notes', label: 'Notes…', dialog: true, applies: () => true },
  { id: 'cancel', label: 'Cancel run', dialog: false, applies: (r) => CANCELLABLE.includes(r.status) },
  {
    id: 'resume',
    label: 'Resume',
    dialog: false,
    applies: (r) => r.origin === 'local' && RESUMABLE.includes(r.status),
  },
  {
    id: 'control',
    label: 'Random-reward control…',
    dialog: true,
    // A run with Bernoulli rewards is a random-reward control already; the lab refuses a twin of it.
    applies: (r) => r.origin === 'local' && r.config.reward.kind !== 'bernoulli',
  },
  { id: 'delete', label: 'Delete…', dialog: true, applies: (r) => !CANCELLABLE.includes(r.status) },
];

export function actionsFor(run: RunRecord): RunAction[] {
  return ACTIONS.filter((a) => a.applies(run)).map(({ id, label, dialog }) => ({ id, label, dialog }));
}

/** An action waiting in its dialog: one run, or for delete possibly the whole selection. */
export type PendingAction =
  { id: 'rename' | 'tags' | 'notes' | 'control'; run: RunRecord } | { id: 'delete'; runs: RunRecord[] };
