/**
 * The workflow of a run-action dialog (rename, tags, notes, random-reward control, delete), apart
 * from its markup: the fields as the user edits them, whether they can be sent, the API call, and
 * the lab's message when it refuses. Testable without a DOM (svelte.dev keeps its REPL's workspace
 * the same way).
 */
import { ApiError, METRIC, type RunRecord } from '../../../src-main/contract';
import type { LabClient } from '../../lib/transport';
import type { PendingAction } from './actions';

/** What an action changed: runs renamed, tagged, annotated or queued, and ids deleted. */
export interface RunActionResult {
  changed?: RunRecord;
  deleted?: number[];
}

const TITLES = {
  rename: 'Rename run',
  tags: 'Tags',
  notes: 'Notes',
  control: 'Launch a random-reward control',
  delete: 'Delete',
} as const;

/** Tags as typed, "fig2, paper, fig2" -> ["fig2", "paper"]. */
export function splitTags(text: string): string[] {
  const tags = text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return tags.filter((tag, i) => tags.indexOf(tag) === i);
}

export class RunActionSession {
  readonly action: PendingAction;
  /** The record the dialog opened with (none for delete, which may cover several runs). */
  readonly run: RunRecord | null;
  name: string = $state('');
  tags: string = $state('');
  notes: string = $state('');
  /** The control's reward probability; null: the run's mean reward. */
  p: number | null = $state(null);
  busy = $state(false);
  error: string | null = $state(null);
  #client: LabClient;

  constructor(client: LabClient, action: PendingAction) {
    this.#client = client;
    this.action = action;
    this.run = action.id === 'delete' ? null : action.run;
    this.name = this.run?.name ?? '';
    this.tags = this.run?.tags.join(', ') ?? '';
    this.notes = this.run?.notes ?? '';
  }

  get title(): string {
    const action = this.action;
    if (action.id !== 'delete') return `${TITLES[action.id]} · ${action.run.name}`;
    return `Delete ${action.runs.length === 1 ? `run “${action.runs[0].name}”` : `${action.runs.length} runs`}?`;
  }

  /** The run's latest mean reward, the control's p when none is typed. */
  get meanReward(): number | null {
    return this.run?.latest[METRIC.rewardMean] ?? null;
  }

  get pValid(): boolean {
    return this.p === null || (Number.isFinite(this.p) && this.p >= 0 && this.p <= 1);
  }

  get canSubmit(): boolean {
    return !this.busy && (this.action.id !== 'control' || this.pValid);
  }

  /** Sends the action; resolves with what changed, or null when the lab refused (see `error`). */
  async submit(): Promise<RunActionResult | null> {
    if (!this.canSubmit) return null;
    this.busy = true;
    this.error = null;
    try {
      return await this.#perform();
    } catch (err) {
      this.error = ApiError.of(err).message;
      return null;
    } finally {
      this.busy = false;
    }
  }

  async #perform(): Promise<RunActionResult> {
    const api = this.#client.api;
    const action = this.action;
    switch (action.id) {
      case 'rename':
        return { changed: await api['runs.rename']({ id: action.run.id, name: this.name }) };
      case 'tags':
        return { changed: await api['runs.setTags']({ id: action.run.id, tags: splitTags(this.tags) }) };
      case 'notes':
        return { changed: await api['runs.setNotes']({ id: action.run.id, notes: this.notes }) };
      case 'control':
        return { changed: await api['runs.control']({ id: action.run.id, p: this.p ?? undefined }) };
      case 'delete': {
        const ids = action.runs.map((r) => r.id);
        return (await api['runs.delete']({ ids })).deleted.length > 0 ? { deleted: ids } : {};
      }
    }
  }
}
