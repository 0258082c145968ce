/** What a user can do to a run, depending on where it came from and where it stands. */
import type { RunRecord, RunStatus } from '../../../src-main/contract';

export type RunActionId = 'rename' | 'tags' | 'notes' | 'cancel' | 'resume' | 'stopFollow' | 'control' | 'delete';

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
  {
    id: 'cancel',
    label: 'Cancel run',
    dialog: false,
    applies: (r) => r.origin === 'local' && CANCELLABLE.includes(r.status),
  },
  // An imported run is running while the lab follows its log (contract/api/follows.ts).
  {
    id: 'stopFollow',
    label: 'Stop following',
    dialog: false,
    applies: (r) => r.origin === 'imported' && r.status === 'running',
  },
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

/** Actions that call the lab at once, without a dialog. */
export const IMMEDIATE_ACTIONS = {
  cancel: { call: 'runs.cancel', verb: 'cancel' },
  resume: { call: 'runs.resume', verb: 'resume' },
  stopFollow: { call: 'imports.stopFollow', verb: 'stop following' },
} as const;

export type ImmediateActionId = keyof typeof IMMEDIATE_ACTIONS;

export function isImmediateAction(id: RunActionId): id is ImmediateActionId {
  return id in IMMEDIATE_ACTIONS;
}

export function actionsFor(run: RunRecord): RunAction[] {
  return ACTIONS.filter((a) => a.applies(run)).map(({ id, label, dialog }) => ({ id, label, dialog }));
}

/** An action waiting in its dialog: one run, or for delete possibly the whole selection. */
export type PendingAction =
  { id: 'rename' | 'tags' | 'notes' | 'control'; run: RunRecord } | { id: 'delete'; runs: RunRecord[] };
