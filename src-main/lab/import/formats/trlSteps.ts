/**
 * Steps for console dicts that do not carry one. The Trainer prints a dict every `logging_steps`
 * optimizer steps and a tqdm bar `k/N` now and then, so within a training session the n-th dict is at
 * step n * interval, where interval = floor(k / dicts so far) at the first bar after a dict. Dicts wait
 * until that bar (or a session end) fixes the interval; a bar at 0, or the end-of-training summary,
 * starts a new session whose steps continue after the previous one (one log can hold several runs).
 */
import type { PyValue } from '../pyLiteral';

export interface LoggedDict {
  kind: 'train' | 'eval' | 'summary';
  values: [string, PyValue][];
}

/** Dicts held while no bar has told the interval; beyond this the interval is taken as 1. */
const MAX_PENDING = 50;

export class ConsoleStepCounter {
  /** Sessions that logged at least one training dict. */
  sessions = 0;
  private offset = 0;
  private count = 0;
  private interval: number | null = null;
  private lastStep = 0;
  private pending: { dict: LoggedDict; index: number }[] = [];

  constructor(private readonly emit: (dict: LoggedDict, step: number) => void) {}

  dict(dict: LoggedDict): void {
    if (dict.kind === 'summary') return this.endSession();
    if (dict.kind === 'train') {
      if (this.count === 0) this.sessions++;
      this.count++;
    }
    // An eval dict belongs to the training step logged just before it.
    this.pending.push({ dict, index: this.count });
    if (this.interval !== null || this.pending.length >= MAX_PENDING) this.flush(this.interval ?? 1);
  }

  progress(done: number, _total: number): void {
    if (done === 0 && this.count > 0) return this.endSession();
    if (this.interval === null && this.count > 0 && done > 0) {
      this.flush(Math.max(1, Math.floor(done / this.count)));
    }
  }

  end(): void {
    this.endSession();
  }

  private flush(interval: number): void {
    this.interval = interval;
    for (const p of this.pending) {
      const step = this.offset + p.index * interval;
      this.lastStep = Math.max(this.lastStep, step);
      this.emit(p.dict, step);
    }
    this.pending = [];
  }

  private endSession(): void {
    if (this.pending.length > 0) this.flush(this.interval ?? 1);
    if (this.count > 0) this.offset = this.lastStep;
    this.count = 0;
    this.interval = null;
  }
}
