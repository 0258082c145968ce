/**
 * `--probe`: the lines that attach cliplab-probe (python/cliplab-probe) to the exported run, so the
 * real run streams cliplab's clip diagnostics back (`cliplab import --follow cliplab-probe.jsonl`).
 * verl: the probe's policy loss is verl's `vanilla` plus measurements, so it replaces `vanilla` only;
 * verl imports `external_lib` in every worker (HFModelConfig), and the stream path reaches the Ray
 * workers through the runtime environment. TRL: two Python lines after the trainer is built.
 */
import type { RunConfig } from '../../contract';
import type { ExportPlan } from './plan';

/** Where the exported run's probe writes; users on a cluster point it at shared storage. */
export const PROBE_STREAM = 'cliplab-probe.jsonl';
const LOSS_MODE_KEY = 'actor_rollout_ref.actor.policy_loss.loss_mode';

export function addVerlProbe(config: RunConfig, plan: ExportPlan): void {
  if (config.objective.loss !== 'ppo') {
    plan.gap(
      `--probe: cliplab-probe measures verl's vanilla loss; loss ${config.objective.loss} keeps its own loss_mode`,
    );
    return;
  }
  const mode = plan.settings.find((s) => s.key === LOSS_MODE_KEY);
  if (mode) mode.value = 'cliplab_probe';
  plan.set('actor_rollout_ref.model.external_lib', 'cliplab_probe.verl');
  plan.set('+ray_kwargs.ray_init.runtime_env.env_vars.CLIPLAB_PROBE_STREAM', `$PWD/${PROBE_STREAM}`);
}

/** Python lines for after `trainer = GRPOTrainer(..., args=config, ...)`. */
export function trlProbeLines(): string[] {
  return [
    '',
    '# cliplab-probe (pip install <cliplab>/python/cliplab-probe): once trainer = GRPOTrainer(..., args=config)',
    `# exists, call attach_probe(trainer, "${PROBE_STREAM}") before trainer.train(), and follow the run`,
    `# with: cliplab import --follow ${PROBE_STREAM}`,
    'from cliplab_probe.trl import attach_probe',
  ];
}
