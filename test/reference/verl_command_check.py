"""Reads the Ray job cliplab would submit for a verl run (the `remote.plan` JSON on stdin) and checks it
against the real verl the way the job would meet it, without GPUs or a cluster:

* the entrypoint is `python -m verl.trainer.main_ppo` plus Hydra overrides, and verl's own config
  (ppo_trainer.yaml, composed by Hydra with those overrides) accepts every one of them;
* the probe's loss is registered in verl's policy-loss registry once the external_lib is imported,
  and the custom reward function loads through verl's own loader;
* the job's runtime_env merges with the one verl's driver passes to ray.init (Ray refuses a job whose
  driver sets an environment variable the job already sets).

Prints the resolved settings as JSON for the Node test to compare with the cliplab config."""

import json
import os
import shlex
import sys
from pathlib import Path
from unittest import mock

from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

# This checkout's probe, whatever the environment installed.
sys.path.insert(
    0, str(Path(__file__).resolve().parents[2] / "python" / "cliplab-probe")
)


def overrides_of(entrypoint: str) -> list[str]:
    words = shlex.split(entrypoint)
    at = words.index("-m")
    if words[at + 1] != "verl.trainer.main_ppo":
        raise SystemExit(f"not verl's trainer: {words[: at + 2]}")
    return words[at + 2 :]


def main() -> None:
    plan = json.load(sys.stdin)
    import verl

    config_dir = str(Path(verl.__file__).parent / "trainer" / "config")
    with initialize_config_dir(config_dir=config_dir, version_base=None):
        config = compose(
            config_name="ppo_trainer", overrides=overrides_of(plan["entrypoint"])
        )

    actor = config.actor_rollout_ref.actor
    # What verl's workers do with external_lib: import it, which registers the probe's loss.
    import importlib

    from verl.trainer.ppo.core_algos import get_policy_loss_fn
    from verl.trainer.ppo.reward import get_custom_reward_fn

    importlib.import_module(config.actor_rollout_ref.model.external_lib)
    get_policy_loss_fn(actor.policy_loss.loss_mode)
    reward_fn = get_custom_reward_fn(config)
    scores = [reward_fn("ds", "text", "gt") for _ in range(400)] if reward_fn else []

    # The runtime_env verl's driver passes to ray.init, in the job's environment, merged the way Ray does.
    from ray.runtime_env.runtime_env import _merge_runtime_env
    from verl.trainer.constants_ppo import get_ppo_ray_runtime_env

    job_env = plan["runtimeEnv"]
    with mock.patch.dict(os.environ, job_env.get("env_vars", {})):
        driver = OmegaConf.merge(
            get_ppo_ray_runtime_env(config),
            config.ray_kwargs.ray_init.get("runtime_env", {}),
        )
    merged = _merge_runtime_env(job_env, OmegaConf.to_container(driver))

    print(
        json.dumps(
            {
                "clip_ratio_low": actor.clip_ratio_low,
                "clip_ratio_high": actor.clip_ratio_high,
                "clip_ratio_c": actor.clip_ratio_c,
                "loss_mode": actor.policy_loss.loss_mode,
                "loss_agg_mode": actor.loss_agg_mode,
                "ppo_epochs": actor.ppo_epochs,
                "lr": actor.optim.lr,
                "external_lib": config.actor_rollout_ref.model.external_lib,
                "model_path": config.actor_rollout_ref.model.path,
                "train_files": config.data.train_files,
                "n_gpus_per_node": config.trainer.n_gpus_per_node,
                "experiment_name": config.trainer.experiment_name,
                "logger": list(config.trainer.logger),
                "total_training_steps": config.trainer.total_training_steps,
                "reward_mean": sum(scores) / len(scores) if scores else None,
                "runtime_env_merges": merged is not None,
                "job_env_vars": sorted(job_env.get("env_vars", {})),
            }
        )
    )


if __name__ == "__main__":
    main()
