/**
 * Training progress on stderr: steps, rate, ETA, current entropy and reward, one line per run. How
 * the lines reach the terminal (redrawn in place, or plain lines where there is no terminal) is
 * terminal.ts's part.
 */
import { formatClock, formatNumber, METRIC } from '../contract';
import type { WorkerMessage } from '../lab/runner/protocol';
import { formatValue } from './format';
import { liveLines } from './terminal';

const BAR_WIDTH = 24;

type Progress = Extract<WorkerMessage, { type: 'progress' }>;
type BaseProgress = Extract<WorkerMessage, { type: 'basemodel' }>;

export function bar(fraction: number, width = BAR_WIDTH): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** Steps per second from the observed pace (an average since the first report), not one step's time. */
export class RateMeter {
  private first: { step: number; at: number } | null = null;
  rate: number | null = null;

  observe(step: number, at: number, fallback: number | null): void {
    if (!this.first || step < this.first.step) this.first = { step, at };
    const dt = (at - this.first.at) / 1000;
    this.rate = dt > 0 && step > this.first.step ? (step - this.first.step) / dt : fallback;
  }
}

/** One line about a run's training. */
export function runLine(label: string, p: Progress, rate: number | null): string {
  const done = p.step + 1;
  const eta = rate ? (p.steps - done) / rate : null;
  return [
    `${label} ${bar(done / p.steps)} ${done}/${p.steps}`,
    rate === null ? '' : `${formatNumber(rate, rate >= 10 ? 3 : 2)} step/s`,
    `ETA ${formatClock(done >= p.steps ? 0 : eta)}`,
    `entropy ${formatValue(p.latest[METRIC.entropy])}`,
    `reward ${formatValue(p.latest[METRIC.rewardMean])}`,
  ]
    .filter(Boolean)
    .join('  ');
}

/** One line about the base model a run needs. */
export function baseLine(label: string, p: BaseProgress): string {
  if (p.phase === 'waiting') return `${label} waiting for base model ${p.key} (another run is training it)`;
  if (p.phase === 'done')
    return `${label} base model ${p.key} ready (${p.step} steps, greedy acc ${formatValue(p.evalAcc)})`;
  const acc = p.evalAcc === null ? '' : `  acc ${formatValue(p.evalAcc)}`;
  return `${label} base model ${bar(p.step / Math.max(1, p.steps))} ${p.step}/${p.steps}  loss ${formatValue(p.loss)}${acc}`;
}

/** Progress of one run in the foreground (`cliplab train`, `resume`, `control`). */
export function runProgress(stream: NodeJS.WritableStream, label: string, env: NodeJS.ProcessEnv = process.env) {
  const line = liveLines(stream, env);
  const meter = new RateMeter();
  return {
    line,
    report(msg: WorkerMessage) {
      if (msg.type === 'progress') {
        meter.observe(msg.step, Date.now(), msg.stepsPerSecond);
        line.update([runLine(label, msg, meter.rate)], msg.step + 1 === msg.steps);
      } else if (msg.type === 'basemodel') {
        line.update([baseLine(label, msg)], msg.phase !== 'building');
      }
    },
  };
}
