/**
 * The command a remote run's job runs, per engine, with cliplab-probe attached:
 *
 * trl:  python -m cliplab_probe.trl_entry --config '<GRPOConfig JSON>' --model M --dataset D
 *         --reward random:P|gaussian:M:S|verifier --name N --stdout|--stream FILE
 *       (with `gpus > 1`: python -m torch.distributed.run --nproc_per_node=G -m cliplab_probe.trl_entry ...)
 * verl: python -m verl.trainer.main_ppo <export-config's overrides, loss_mode=cliplab_probe,
 *         external_lib=cliplab_probe.verl> data.train_files=D actor_rollout_ref.model.path=M
 *         trainer.n_gpus_per_node=G ... <reward>
 *
 * The GRPOConfig and the verl overrides are exactly what `cliplab export-config` prints; user
 * overrides come last (a later Hydra override or GRPOConfig key wins). Where the probe writes is
 * given through the job's environment (CLIPLAB_PROBE_STDOUT / CLIPLAB_PROBE_STREAM), which Ray hands
 * to every worker of the job; verl's own `ray_kwargs.ray_init.runtime_env` must not set them too
 * (Ray refuses a job whose driver sets the same variable again).
 */
import { ApiError, type RemoteEngine, type RemoteJobOptions, type RunConfig } from '../../contract';
import { addVerlProbe } from '../export-config/probe';
import { formatNumber, type ExportPlan, type SettingValue } from '../export-config/plan';
import { trlPlan } from '../export-config/trl';
import { verlPlan } from '../export-config/verl';

export interface EntrypointInput {
  config: RunConfig;
  /** The run's name (the probe's header names it so). */
  name: string;
  job: RemoteJobOptions;
  /** The stream file on shared storage, or null: the probe prints to stdout for the job's logs. */
  streamPath: string | null;
}

export interface Entrypoint {
  command: string;
  /** GPUs Ray reserves for the entrypoint process itself. */
  numGpus: number;
  approximations: string[];
  gaps: string[];
}

/** A POSIX shell word: as is when it is plainly safe, else single-quoted. Ray runs the entrypoint with a shell. */
/**
 * export-config's gaps, less the reward line: a remote job does give the engine cliplab's reward
 * (random rewards through cliplab-probe; the verifier as `why` says).
 */
function remoteGaps(plan: ExportPlan, config: RunConfig, verifier: string): string[] {
  const reward =
    config.reward.kind === 'verifier'
      ? `reward verifier: ${verifier}`
      : `reward ${config.reward.kind}: drawn by cliplab-probe, independent of the response`;
  return [...plan.gaps.filter((g) => !g.startsWith('reward ')), reward];
}

export function shellWord(text: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A Hydra override value: bare when it is plainly safe, else a quoted Hydra string. */
export function hydraValue(text: string): string {
  if (/^[A-Za-z0-9_./:@+-]+$/.test(text)) return text;
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function overrideParts(override: string): [string, string] {
  const eq = override.indexOf('=');
  return [override.slice(0, eq), override.slice(eq + 1)];
}

/** `--override KEY=VALUE` on a GRPOConfig: the value as JSON when it reads as JSON, else as text. */
function trlValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function trlReward(config: RunConfig): string {
  const r = config.reward;
  if (r.kind === 'bernoulli') return `random:${r.p}`;
  if (r.kind === 'gaussian') return `gaussian:${r.mean}:${r.std}`;
  return 'verifier';
}

function trlSettings(plan: ExportPlan, overrides: readonly string[]): Record<string, unknown> {
  const settings: Record<string, unknown> = Object.fromEntries(plan.settings.map((s) => [s.key, s.value]));
  for (const [i, override] of overrides.entries()) {
    const [key, value] = overrideParts(override);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      const message = `"${key}" is not a GRPOConfig keyword (expected KEY=VALUE, e.g. max_completion_length=256)`;
      throw new ApiError('bad_request', `job.overrides: ${message}`, [{ path: `job.overrides.${i}`, message }]);
    }
    settings[key] = trlValue(value);
  }
  return settings;
}

function trl(input: EntrypointInput): Entrypoint {
  const { config, job } = input;
  const plan = trlPlan(config);
  const args = [
    ['--config', JSON.stringify(trlSettings(plan, job.overrides))],
    ['--model', job.model],
    ['--dataset', job.dataset],
    ['--reward', trlReward(config)],
    ['--name', input.name],
    ...(input.streamPath === null ? [['--stdout']] : [['--stream', input.streamPath]]),
    ...(job.exactEvery > 0 ? [['--exact-every', String(job.exactEvery)]] : []),
  ];
  const launcher = job.gpus > 1 ? `-m torch.distributed.run --nproc_per_node=${job.gpus} ` : '';
  const command = `${job.python} ${launcher}-m cliplab_probe.trl_entry ${args.flat().map(shellWord).join(' ')}`;
  const gaps = remoteGaps(plan, config, `1 when the completion's answer equals the dataset's "answer"`);
  if (job.gpus > 1) gaps.push(`gpus ${job.gpus}: GRPOConfig batch sizes are per process; divide them by ${job.gpus}`);
  return { command, numGpus: job.gpus, approximations: plan.approximations, gaps };
}

/** verl's random-reward hook for cliplab's bernoulli and gaussian rewards; verifier keeps verl's scorer. */
function verlReward(config: RunConfig): [string, string][] {
  const r = config.reward;
  if (r.kind === 'verifier') return [];
  const fn = 'reward.custom_reward_function';
  const kwargs: [string, number][] =
    r.kind === 'bernoulli'
      ? [['p', r.p]]
      : [
          ['mean', r.mean],
          ['std', r.std],
        ];
  return [
    [`${fn}.path`, 'pkg://cliplab_probe.rewards'],
    [`${fn}.name`, r.kind === 'bernoulli' ? 'random_reward' : 'gaussian_reward'],
    ...[...kwargs, ['seed', config.seed] as [string, number]].map(([k, v]): [string, string] => [
      `+${fn}.reward_kwargs.${k}`,
      formatNumber(v),
    ]),
  ];
}

function verlToken(key: string, value: SettingValue): string {
  return shellWord(`${key}=${typeof value === 'number' ? formatNumber(value) : hydraValue(String(value))}`);
}

function verl(input: EntrypointInput): Entrypoint {
  const { config, job } = input;
  const plan = verlPlan(config);
  addVerlProbe(config, plan);
  // The stream's place travels in the job's environment (see the header), not in verl's ray_init.
  const settings = plan.settings.filter((s) => !s.key.startsWith('+ray_kwargs.ray_init.runtime_env.env_vars.'));
  const given: [string, SettingValue][] = [
    ['data.train_files', job.dataset],
    ['data.val_files', job.dataset],
    ['actor_rollout_ref.model.path', job.model],
    ['trainer.n_gpus_per_node', job.gpus],
    ['trainer.nnodes', 1],
    ['trainer.project_name', 'cliplab'],
    ['trainer.experiment_name', input.name],
    ...verlReward(config),
  ];
  const tokens = [
    ...settings.map((s) => verlToken(s.key, s.value)),
    ...given.map(([k, v]) => verlToken(k, v)),
    shellWord('trainer.logger=["console"]'),
    ...job.overrides.map(shellWord),
  ];
  const command = `${job.python} -m verl.trainer.main_ppo ${tokens.join(' ')}`;
  // verl's driver only schedules: its workers take the GPUs through verl's own resource pools.
  const gaps = remoteGaps(plan, config, "verl's own scorer for the dataset's data_source");
  return { command, numGpus: 0, approximations: plan.approximations, gaps };
}

const ENGINES: Record<RemoteEngine, (input: EntrypointInput) => Entrypoint> = { trl, verl };

/** The job's command. The probe measures the clipped-ratio loss only: other losses are refused. */
export function buildEntrypoint(input: EntrypointInput): Entrypoint {
  const loss = input.config.objective.loss;
  if (loss !== 'ppo') {
    const message = `loss "${loss}": remote runs measure the clipped-ratio (ppo) loss with cliplab-probe; expected "ppo"`;
    throw new ApiError('bad_request', `config.objective.loss: ${message}`, [
      { path: 'config.objective.loss', message },
    ]);
  }
  return ENGINES[input.job.engine](input);
}
