/** What a user can do to a run, depending on where it came from and where it stands. */
import { ApiError, CANCELLABLE, RESUMABLE, type RunRecord } from '../../../src-main/contract';
import type { LabClient } from '../../lib/transport';

export type RunActionId =
  'rename' | 'tags' | 'notes' | 'cancel' | 'stopJob' | 'resume' | 'stopFollow' | 'control' | 'delete';

export interface RunAction {
  id: RunActionId;
  label: string;
  /** Opens a dialog (the label ends in an ellipsis) rather than acting at once. */
  dialog: boolean;
}

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
  // A remote run's Ray job is stopped on its cluster; the run ends cancelled when Ray says it stopped.
  {
    id: 'stopJob',
    label: 'Stop job',
    dialog: false,
    applies: (r) => r.origin === 'remote' && (r.status === 'queued' || r.status === 'running'),
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
  stopJob: { call: 'runs.cancel', verb: 'stop the job of' },
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

/** How a view answers an action: open its dialog, take the run the lab changed, or say what failed. */
export interface RunActionHandlers {
  dialog(action: PendingAction): void;
  changed(run: RunRecord): void;
  failed(message: string): void;
}

/**
 * Carries out `id` on `run`: an action with a dialog opens it at once (before this returns); an
 * immediate one calls the lab, and a failure says what could not be done to `subject` (e.g. “a run”).
 */
export async function runAction(
  client: LabClient,
  id: RunActionId,
  run: RunRecord,
  subject: string,
  on: RunActionHandlers,
): Promise<void> {
  if (id === 'delete') return on.dialog({ id, runs: [run] });
  if (!isImmediateAction(id)) return on.dialog({ id, run });
  const { call, verb } = IMMEDIATE_ACTIONS[id];
  try {
    on.changed(await client.api[call]({ id: run.id }));
  } catch (err) {
    on.failed(`Could not ${verb} ${subject}: ${ApiError.of(err).message}`);
  }
}
