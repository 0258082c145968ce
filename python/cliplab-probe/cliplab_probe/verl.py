"""cliplab's probe inside verl (tested with verl 0.9): a policy loss registered in verl's policy-loss
registry as `cliplab_probe`, which returns exactly what verl's own `vanilla` loss returns (it calls
it) and records the probe's metrics on the side. The three overrides that load it in verl's workers:

    actor_rollout_ref.model.external_lib=cliplab_probe.verl
    actor_rollout_ref.actor.policy_loss.loss_mode=cliplab_probe
    +ray_kwargs.ray_init.runtime_env.env_vars.CLIPLAB_PROBE_STREAM=/shared/runs/probe.jsonl

`external_lib` is imported by verl's model config in every worker process (HFModelConfig.__post_init__),
which registers the loss there; the runtime_env variable reaches the Ray workers. Without
CLIPLAB_PROBE_STREAM the metrics go to verl's own logger only; CLIPLAB_PROBE_STDOUT=1 also prints the
stream's lines to stdout, which Ray forwards into the job's logs (how `cliplab submit --engine verl`
follows a run when cliplab cannot read the cluster's storage). A stream file that already holds a run
is refused (one file per run); CLIPLAB_PROBE_RESUME=1 appends to it when resuming, and
CLIPLAB_PROBE_NAME names the run.

What a policy loss can see: the log-probabilities of the sampled tokens under pi_old and pi_theta, the
advantages, the response mask, the aggregation mode and the actor config (clip_ratio_low/high/c).
So verl runs get the clip-low, clip-high and dual-clip fractions apart, the ratio range and the PPO KL,
per optimizer update and all-reduced over ranks. Entropy, surprisal gaps and the entropy attribution
need the logits or the model, which verl does not hand to a policy loss: they stay TRL-only.

Updates end at each optimizer step of the worker (a global torch.optim step post-hook); the stream's
`step` counts the actor's optimizer updates (ppo_epochs x mini-batches per verl training step).
Micro-batches seen without gradient (verl's log-prob passes) are not counted."""

from __future__ import annotations

import os
import threading
from typing import Any

import torch
from torch.optim.optimizer import register_optimizer_step_post_hook
from verl.trainer.ppo.core_algos import agg_loss, get_policy_loss_fn, register_policy_loss

from . import keys
from .core import ClipSettings, TokenBatch, clip_metrics, tally_clip_stats
from .probe import Probe, ProbeOptions

LOSS_MODE = "cliplab_probe"
STREAM_ENV = "CLIPLAB_PROBE_STREAM"
# Micro-batch values handed to verl's metrics dict (verl averages them over micro-batches and ranks,
# as it does its own pg_clipfrac); the stream holds the exact token-weighted totals per update.
LOGGED = (keys.CLIP_LOW_FRAC, keys.CLIP_HIGH_FRAC, keys.CLIP_DUAL_FRAC, keys.KL_PPO)


def clip_settings(config: Any) -> ClipSettings:
    """verl's clip settings: clip_ratio_low / clip_ratio_high default to clip_ratio; clip_ratio_c to 3."""
    low = config.clip_ratio_low if config.clip_ratio_low is not None else config.clip_ratio
    high = config.clip_ratio_high if config.clip_ratio_high is not None else config.clip_ratio
    return ClipSettings(eps_low=float(low), eps_high=float(high), dual_clip=float(config.get("clip_ratio_c", 3.0)))


def aggregation_weights(response_mask: torch.Tensor, loss_agg_mode: str, config: Any) -> torch.Tensor:
    """agg_t of verl's agg_loss, read off verl's own function by autodiff (d agg_loss / d loss_mat), so
    every mode and normaliser is verl's, never a copy. [B, T]"""
    x = torch.zeros(response_mask.shape, dtype=torch.float32, device=response_mask.device, requires_grad=True)
    with torch.enable_grad():
        loss = agg_loss(
            loss_mat=x,
            loss_mask=response_mask,
            loss_agg_mode=loss_agg_mode,
            **dict(config.get("global_batch_info", {}) or {}),
        )
        (grad,) = torch.autograd.grad(loss, x)
    return grad


class _Session:
    """The probe of this worker process, opened at the first training micro-batch."""

    def __init__(self, config: Any) -> None:
        self.clip = clip_settings(config)
        info = dict(config.get("global_batch_info", {}) or {})
        self.dp_size = int(info.get("dp_size") or 1)
        run = {
            "name": os.environ.get("CLIPLAB_PROBE_NAME", "verl"),
            "trainer": "verl",
            "trainer_version": _version(),
            "params": _params(config),
        }
        world = torch.distributed.get_world_size() if torch.distributed.is_initialized() else 1
        # Ranks beyond the data-parallel ones (sequence / tensor parallel) repeat the same tokens.
        replicas = max(1, world // self.dp_size)
        options = ProbeOptions(exact_every=0, logit_estimate=False)
        self.probe = Probe.open(
            self.clip,
            1.0,
            options,
            os.environ.get(STREAM_ENV) or None,
            run,
            mode="append" if os.environ.get("CLIPLAB_PROBE_RESUME") else "new",
            replicas=replicas,
        )
        self.pending = 0
        self.updates = 0

    def add(self, batch: TokenBatch) -> None:
        self.probe.add(batch)
        self.pending += 1

    def on_optimizer_step(self) -> None:
        if self.pending == 0:  # another optimizer of this process (a colocated critic)
            return
        self.updates += 1
        self.pending = 0
        self.probe.finish_update(self.updates, eta=None, exact=None)


_session: _Session | None = None
_lock = threading.Lock()


def _open_session(config: Any) -> _Session:
    global _session
    with _lock:
        if _session is None:
            _session = _Session(config)
            register_optimizer_step_post_hook(_on_optimizer_step)
        return _session


def _on_optimizer_step(optimizer: Any, args: Any, kwargs: Any) -> None:
    if _session is not None:
        _session.on_optimizer_step()


@register_policy_loss(LOSS_MODE)  # type: ignore[untyped-decorator]
def compute_policy_loss_cliplab_probe(
    old_log_prob: torch.Tensor,
    log_prob: torch.Tensor,
    advantages: torch.Tensor,
    response_mask: torch.Tensor,
    loss_agg_mode: str = "token-mean",
    config: Any = None,
    rollout_is_weights: torch.Tensor | None = None,
) -> tuple[torch.Tensor, dict[str, Any]]:
    """verl's vanilla PPO loss, unchanged, plus the probe's measurements of this micro-batch."""
    pg_loss, pg_metrics = get_policy_loss_fn("vanilla")(
        old_log_prob=old_log_prob,
        log_prob=log_prob,
        advantages=advantages,
        response_mask=response_mask,
        loss_agg_mode=loss_agg_mode,
        config=config,
        rollout_is_weights=rollout_is_weights,
    )
    if log_prob.requires_grad and torch.is_grad_enabled():
        batch = token_batch(
            old_log_prob, log_prob, advantages, response_mask, loss_agg_mode, config, rollout_is_weights
        )
        _open_session(config).add(batch)
        local = clip_metrics(tally_clip_stats(batch, clip_settings(config)))
        pg_metrics.update({k: local[k] for k in LOGGED if k in local})
    return pg_loss, pg_metrics


def token_batch(
    old_log_prob: torch.Tensor,
    log_prob: torch.Tensor,
    advantages: torch.Tensor,
    response_mask: torch.Tensor,
    loss_agg_mode: str,
    config: Any,
    rollout_is_weights: torch.Tensor | None,
) -> TokenBatch:
    """The micro-batch as the probe sees it, with vanilla's own ratio (log-ratio clamped to +-20)."""
    logp, old = log_prob.detach(), old_log_prob.detach()
    ratio = torch.exp(torch.clamp(logp - old, min=-20.0, max=20.0))  # [B, T]
    mask = response_mask.bool()
    agg = aggregation_weights(mask, loss_agg_mode, config)
    if rollout_is_weights is not None:
        agg = agg * rollout_is_weights.detach()
    info = dict(config.get("global_batch_info", {}) or {})
    # FSDP averages gradients over data-parallel ranks (agg_loss multiplies by dp_size to undo it).
    agg = agg / float(info.get("dp_size") or 1)
    return TokenBatch(ratio=ratio, logp=logp, old_logp=old, advantages=advantages.detach(), mask=mask, agg=agg)


def _params(config: Any) -> dict[str, Any]:
    names = (
        "clip_ratio",
        "clip_ratio_low",
        "clip_ratio_high",
        "clip_ratio_c",
        "loss_agg_mode",
        "ppo_epochs",
        "ppo_mini_batch_size",
        "entropy_coeff",
        "use_kl_loss",
        "kl_loss_coef",
    )
    out = {f"actor_rollout_ref.actor.{n}": config.get(n) for n in names}
    optim = config.get("optim")
    if optim is not None:
        out["actor_rollout_ref.actor.optim.lr"] = optim.get("lr")
    return {k: v if isinstance(v, (bool, int, float, str)) or v is None else str(v) for k, v in out.items()}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("verl")
    except PackageNotFoundError:
        return "unknown"
