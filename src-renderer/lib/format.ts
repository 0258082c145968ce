/** How run fields read in tables: short, unit-aware, and an em dash where a value is unknown. */
import { clipPairText, type RunConfig, type RunRecord } from '../../src-main/contract';

export const MISSING = '—';

type TaskConfig = RunConfig['task'];
type RewardConfig = RunConfig['reward'];

const taskLabels: { [K in TaskConfig['kind']]: (task: TaskConfig & { kind: K }) => string } = {
  bandit: (t) => `bandit ${t.prompts}×${t.actions}`,
  add: (t) => `add, ${t.size} digits`,
  mod: (t) => `mod, ${t.size} digits`,
  divisor: (t) => `divisor, ${t.size} digits`,
  sort: (t) => `sort, ${t.size} items`,
  reverse: (t) => `reverse, ${t.size} items`,
};

const rewardLabels: { [K in RewardConfig['kind']]: (reward: Extract<RewardConfig, { kind: K }>) => string } = {
  verifier: () => 'verifier',
  bernoulli: (r) => `random, p = ${r.p}`,
  gaussian: (r) => `gaussian ${r.mean} ± ${r.std}`,
};

export function taskLabel(run: RunRecord): string {
  if (!run.config) return MISSING;
  const task = run.config.task;
  return (taskLabels[task.kind] as (t: TaskConfig) => string)(task);
}

export function rewardLabel(run: RunRecord): string {
  if (!run.config) return MISSING;
  const reward = run.config.reward;
  return (rewardLabels[reward.kind] as (r: RewardConfig) => string)(reward);
}

/** eps_low / eps_high; "off" (eps_low = 1, eps_high = null) means that side never clips. */
export function clipLabel(run: RunRecord): string {
  if (!run.config) return MISSING;
  const { clipLow, clipHigh } = run.config.objective;
  return clipPairText(clipLow, clipHigh);
}

export function originLabel(run: RunRecord): string {
  return run.origin === 'imported' ? `imported (${run.source.format})` : 'local';
}

/** Steps are numbered from 0, so a run whose last logged step is `step` has done `step + 1`. */
export function stepsDone(run: RunRecord): number {
  return run.step === null ? 0 : run.step + 1;
}

export function stepLabel(run: RunRecord): string {
  if (run.step === null && run.steps === null) return MISSING;
  // A trainer numbers its own steps (often from 1) and rarely logs its plan: show the last one logged.
  if (run.origin === 'imported') return run.step === null ? MISSING : String(run.step);
  return `${stepsDone(run)} / ${run.steps ?? '?'}`;
}

export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  return value.toFixed(digits);
}

export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  return `${(value * 100).toFixed(1)}%`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const yearFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' });

export function formatDate(iso: string | null): string {
  if (!iso) return MISSING;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return MISSING;
  // Within the current year the time of day matters more than the year.
  return date.getFullYear() === new Date().getFullYear() ? dateFormat.format(date) : yearFormat.format(date);
}
