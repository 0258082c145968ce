/** How a run's settings read in tables and headers: short, and MISSING where the run does not say. */
import { clipPairText, MISSING, type RunConfig, type RunRecord } from '../../src-main/contract';

type TaskConfig = RunConfig['task'];
type RewardConfig = RunConfig['reward'];

const taskLabels: { [K in TaskConfig['kind']]: (task: TaskConfig & { kind: K }) => string } = {
  bandit: (t) => `bandit ${t.prompts}×${t.actions}`,
  add: (t) => `add, ${t.size} digits`,
  mod: (t) => `mod, ${t.size} digits`,
  divisor: (t) => `divisor, ${t.size} digits`,
  sort: (t) => `sort, ${t.size} items`,
  reverse: (t) => `reverse, ${t.size} items`,
  dataset: (t) => `${t.format}, ${t.path.split(/[\\/]/).pop() || t.path}`,
};

const rewardLabels: { [K in RewardConfig['kind']]: (reward: Extract<RewardConfig, { kind: K }>) => string } = {
  verifier: () => 'verifier',
  bernoulli: (r) => `random, p = ${r.p}`,
  gaussian: (r) => `gaussian ${r.mean} ± ${r.std}`,
};

export function taskLabel(run: RunRecord): string {
  if (!run.config) return MISSING;
  // A remote run trains the engine's model on a dataset on the cluster, not cliplab's toy task.
  if (run.origin === 'remote') return run.remote.dataset?.split(/[\\/]/).pop() || MISSING;
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
  if (run.origin === 'imported') return `imported (${run.source.format})`;
  if (run.origin === 'remote') return `remote: ${run.remote.engine} job ${run.remote.jobId} on ${run.remote.target}`;
  return 'local';
}

/** The origin in a table cell: local, an import's log format, or a remote run's engine on Ray. */
export function originShort(run: RunRecord): string {
  if (run.origin === 'imported') return run.source.format;
  if (run.origin === 'remote') return `${run.remote.engine} on Ray`;
  return 'local';
}

/**
 * Local steps are numbered from 0, so a run whose last logged step is `step` has done `step + 1`; a
 * remote run's steps count the trainer's optimizer updates from 1 (cliplab-probe's records).
 */
export function stepsDone(run: RunRecord): number {
  if (run.step === null) return 0;
  return run.origin === 'remote' ? run.step : run.step + 1;
}

export function stepLabel(run: RunRecord): string {
  if (run.step === null && run.steps === null) return MISSING;
  // A trainer numbers its own steps (often from 1) and rarely logs its plan: show the last one logged.
  if (run.origin === 'imported') return run.step === null ? MISSING : String(run.step);
  return `${stepsDone(run)} / ${run.steps ?? '?'}`;
}
