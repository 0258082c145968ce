"""cliplab's probe inside TRL's GRPOTrainer (tested with TRL 1.16):

    from cliplab_probe.trl import attach_probe
    attach_probe(trainer, "runs/probe.jsonl")      # before trainer.train()

then `cliplab import --follow runs/probe.jsonl`. The metrics also go into the trainer's own log
(`trainer.log`, so W&B / TensorBoard / trainer_state.json show them next to TRL's `clip_ratio/*`).

How it attaches, changing nothing TRL computes:
* `compute_loss` is wrapped: TRL's loss runs unchanged on the same inputs, except that the advantages
  are handed in as a per-token leaf tensor that records its gradient (values identical; TRL accepts
  [B, T] advantages). dL/dA_t = -agg_t coef_t gives every token's exact share of the loss (loss_type
  normalisers, gradient accumulation, masks) without re-implementing TRL's aggregation.
* `_get_per_token_logps_and_entropies` is wrapped to keep the log-probabilities and full-vocabulary
  entropies TRL computes anyway, so ratios and clip events are exactly TRL's own.
* a forward hook on the backbone keeps the final hidden states; the logit-space estimate re-projects
  them through the LM head (no gradient) for the softmax statistics TRL's fused head does not return.
* `_clip_grad_norm` is wrapped to read the pre-clip gradient norm (the clip scale of the step map).
* a TrainerCallback ends each update: on_pre_optimizer_step (exact attribution before the step),
  on_optimizer_step (after it), on_step_end (reduce, write, log).
"""

from __future__ import annotations

import math
import os
import time
import warnings
from collections.abc import Callable
from typing import Any

import torch
from transformers import TrainerCallback

from .attribution import ExactAttribution, ModelBatch
from .core import ClipSettings, TokenBatch, softmax_stats
from .optim import coming_step_norm, grad_norm
from .probe import ExactResult, Probe, ProbeOptions
from .stream import Mode

# Loss types whose surrogate is the clipped ratio times the advantage, token by token (TRL logs
# clip_ratio/* for exactly these).
SUPPORTED_LOSS_TYPES = ("grpo", "bnpo", "dr_grpo", "dapo", "luspo")
PARAMS = (
    "learning_rate",
    "epsilon",
    "epsilon_high",
    "delta",
    "loss_type",
    "beta",
    "num_iterations",
    "steps_per_generation",
    "gradient_accumulation_steps",
    "per_device_train_batch_size",
    "num_generations",
    "max_completion_length",
    "temperature",
    "max_grad_norm",
    "optim",
    "weight_decay",
    "seed",
    "importance_sampling_level",
    "scale_rewards",
)


def attach_probe(
    trainer: Any,
    stream: str | os.PathLike[str] | None,
    *,
    exact_every: int = 0,
    logit_estimate: bool = True,
    mode: Mode = "new",
    name: str | None = None,
    echo: bool | None = None,
) -> Probe:
    """Attaches the probe to a GRPOTrainer before `train()`. `stream`: the run's JSONL (rank 0 writes
    it; None: only the trainer's log gets the metrics). `exact_every`: exact attribution every N updates.
    `echo`: also print the stream's lines to stdout (None: as CLIPLAB_PROBE_STDOUT says), for a cluster
    job whose logs are how cliplab reads it."""
    args = trainer.args
    if trainer.loss_type not in SUPPORTED_LOSS_TYPES:
        raise ValueError(
            f"loss_type={trainer.loss_type!r}: cliplab-probe measures the clipped-ratio losses "
            f"{', '.join(SUPPORTED_LOSS_TYPES)}"
        )
    if trainer.importance_sampling_level != "token":
        raise ValueError("importance_sampling_level='sequence': cliplab-probe measures token-level clipping only")
    clip = ClipSettings(eps_low=trainer.epsilon_low, eps_high=trainer.epsilon_high, dual_clip=args.delta)
    options = ProbeOptions(exact_every=exact_every, logit_estimate=logit_estimate)
    model = trainer.accelerator.unwrap_model(trainer.model)
    run = {
        "name": name or os.path.basename(os.path.normpath(args.output_dir)),
        "trainer": "trl",
        "trainer_version": _version("trl"),
        "model": getattr(model.config, "_name_or_path", "") or type(model).__name__,
        "params": {k: _jsonable(getattr(args, k, None)) for k in PARAMS},
    }
    probe = Probe.open(clip, trainer.temperature, options, stream, run, mode, echo=echo)
    hooks = _TrlHooks(trainer, probe, model)
    trainer.add_callback(_ProbeCallback(hooks))
    return probe


class _Pending:
    """A micro-batch whose per-token weights arrive with the backward pass (dL/dA)."""

    def __init__(self, batch: TokenBatch, kept_coef: torch.Tensor, model_batch: ModelBatch | None) -> None:
        self.batch = batch
        self.kept_coef = kept_coef  # [B, T] the ratio the surrogate keeps for each token
        self.grad_a: torch.Tensor | None = None  # [B, T] dL/dA, set by the hook
        self.model_batch = model_batch

    def finalize(self, scale: float) -> TokenBatch:
        """agg_t = -(dL/dA_t) / coef_t / scale (scale: data-parallel averaging and AMP loss scaling)."""
        b = self.batch
        if self.grad_a is not None:
            usable = b.mask & (b.advantages != 0) & (self.kept_coef != 0)
            agg = -self.grad_a / torch.where(usable, self.kept_coef, torch.ones_like(self.kept_coef)) / scale
            b.agg = torch.where(usable, agg, torch.zeros_like(agg))
        return b


class _TrlHooks:
    def __init__(self, trainer: Any, probe: Probe, model: Any) -> None:
        self.trainer, self.probe, self.model = trainer, probe, model
        self.capture: dict[str, Any] | None = None
        self.pending: list[_Pending] = []
        self.raw_norm: float | None = None
        self.eta: float | None = None
        self.exact: ExactResult | None = None
        self.estimate = probe.options.logit_estimate
        self.attribution = ExactAttribution(model, probe.temperature, probe.clip) if probe.options.exact_every else None
        self._wrap("compute_loss", self._compute_loss)
        self._wrap("_get_per_token_logps_and_entropies", self._logps_and_entropies)
        self._wrap("_clip_grad_norm", self._clip_grad_norm)
        if self.estimate:
            base = model.get_base_model() if hasattr(model, "get_base_model") else model
            base.base_model.register_forward_hook(self._on_backbone)

    def _wrap(self, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
        original = getattr(self.trainer, name, None)
        if original is None:
            raise TypeError(f"GRPOTrainer has no {name}(): this TRL version is not supported (tested with TRL 1.16)")
        setattr(self.trainer, name, make(original))

    # --- wrappers -------------------------------------------------------------------------------
    def _compute_loss(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def compute_loss(
            model: Any, inputs: dict[str, Any], return_outputs: bool = False, num_items_in_batch: Any = None
        ) -> Any:
            if not model.training or not torch.is_grad_enabled():
                return original(model, inputs, return_outputs, num_items_in_batch)
            t = inputs["completion_ids"].size(1)
            adv = inputs["advantages"]
            leaf = (adv[:, None].expand(-1, t) if adv.dim() == 1 else adv).detach().clone().requires_grad_(True)
            self.capture = {"hidden": []}
            try:
                loss = original(model, {**inputs, "advantages": leaf}, return_outputs, num_items_in_batch)
                started = time.perf_counter()
                pending = self._pending_batch(inputs, leaf.detach(), self.capture)
                leaf.register_hook(lambda g: setattr(pending, "grad_a", g.detach()))
                self.pending.append(pending)
                self.probe.timed(time.perf_counter() - started)
            finally:
                self.capture = None
            return loss

        return compute_loss

    def _logps_and_entropies(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            out = original(*args, **kwargs)
            if self.capture is not None and kwargs.get("compute_entropy"):
                self.capture["logps"], self.capture["entropies"] = out[0], out[1]
            return out

        return wrapped

    def _clip_grad_norm(self, original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            norm = original(*args, **kwargs)
            self.raw_norm = float(norm)
            return norm

        return wrapped

    def _on_backbone(self, module: Any, args: Any, output: Any) -> None:
        if self.capture is not None:
            hidden = output.last_hidden_state if hasattr(output, "last_hidden_state") else output[0]
            self.capture["hidden"].append(hidden.detach())

    # --- one micro-batch ------------------------------------------------------------------------
    def _pending_batch(self, inputs: dict[str, Any], adv: torch.Tensor, cap: dict[str, Any]) -> _Pending:
        mask = inputs["completion_mask"]
        if "tool_mask" in inputs:
            mask = mask * inputs["tool_mask"]
        logp = cap["logps"].detach()  # [B, T]
        old = inputs.get("old_per_token_logps")
        old = logp if old is None else old.detach()
        ratio = torch.exp(logp - old)  # TRL's coef_1 at token level
        batch = TokenBatch(
            ratio=ratio, logp=logp, old_logp=old, advantages=adv, mask=mask.bool(), entropy=cap["entropies"].detach()
        )
        if self.estimate and cap["hidden"]:
            self._add_softmax_stats(batch, torch.cat(cap["hidden"], 0), inputs["completion_ids"])
        clip = self.probe.clip
        kept_coef = torch.clamp(ratio, 1 - clip.eps_low, math.inf if clip.eps_high is None else 1 + clip.eps_high)
        capped = ratio if clip.dual_clip is None else torch.clamp(ratio, max=clip.dual_clip)
        # -min(coef_1 A, coef_2 A): A > 0 keeps the smaller coefficient, A < 0 the larger
        kept_coef = torch.where(adv > 0, torch.minimum(capped, kept_coef), torch.maximum(capped, kept_coef))
        model_batch = None
        if self.probe.options.wants_exact(self.trainer.state.global_step + 1):
            ids = torch.cat([inputs["prompt_ids"], inputs["completion_ids"]], 1)
            attention = torch.cat([inputs["prompt_mask"], inputs["completion_mask"]], 1)
            model_batch = ModelBatch({"input_ids": ids, "attention_mask": attention}, inputs["completion_ids"], batch)
        return _Pending(batch, kept_coef, model_batch)

    def _add_softmax_stats(self, batch: TokenBatch, hidden: torch.Tensor, targets: torch.Tensor) -> None:
        """sum_b pi_b^2 (log pi_b + H) per token from the LM head, checked against TRL's own log-probs."""
        t = targets.size(1)
        head = self.model.get_output_embeddings()
        with torch.no_grad():
            h = hidden[:, -t - 1 : -1]  # [B, T, d] positions predicting the completion tokens
            logp, _, sq = softmax_stats(head(h).flatten(0, 1), targets.flatten(), self.probe.temperature)
        logp, sq = logp.view_as(batch.logp), sq.view_as(batch.logp)
        mismatch = float((logp - batch.logp).abs()[batch.mask].max()) if bool(batch.mask.any()) else 0.0
        # bf16 / fp16 (weights or autocast) agree with a float32 re-projection only to a few digits
        args = self.trainer.args
        half = head.weight.dtype != torch.float32 or bool(args.bf16) or bool(args.fp16)
        tolerance = 5e-2 if half else 1e-3
        if mismatch > tolerance:
            # The model transforms its logits beyond the LM head (soft-capping, scaling): do not guess.
            warnings.warn(
                f"cliplab-probe: the LM head's log-probs differ from TRL's by {mismatch:.2g}; "
                "the logit-space estimate is switched off for this run",
                stacklevel=2,
            )
            self.estimate = False
            return
        batch.sq_term = sq

    # --- one update -----------------------------------------------------------------------------
    def before_step(self) -> None:
        started = time.perf_counter()
        acc = self.trainer.accelerator
        scale = acc.num_processes * (acc.scaler.get_scale() if getattr(acc, "scaler", None) is not None else 1.0)
        batches = [p.finalize(scale) for p in self.pending]
        for b in batches:
            self.probe.add(b)
        optimizer = self.trainer.optimizer
        raw = self.raw_norm if self.raw_norm is not None else grad_norm(optimizer)
        max_norm = self.trainer.args.max_grad_norm
        # torch.nn.utils.clip_grad_norm_: g <- g * min(1, max_norm / (||g|| + 1e-6))
        clip_scale = min(1.0, max_norm / (raw + 1e-6)) if max_norm and max_norm > 0 else 1.0
        self.eta = None
        if self.estimate and raw > 0:
            try:
                self.eta = coming_step_norm(optimizer) / raw
            except NotImplementedError as err:
                warnings.warn(f"cliplab-probe: {err}; the logit-space estimate is off", stacklevel=2)
                self.estimate = False
        self.probe.timed(time.perf_counter() - started)
        model_batches = [p.model_batch for p in self.pending if p.model_batch is not None]
        self.exact = None
        if self.attribution is not None and model_batches:
            self.attribution.before_step(model_batches, optimizer, clip_scale)

    def after_step(self) -> None:
        model_batches = [p.model_batch for p in self.pending if p.model_batch is not None]
        if self.attribution is not None and model_batches:
            tally, totals, seconds = self.attribution.after_step(model_batches)
            self.exact = ExactResult(tally, totals, seconds)

    def end_update(self, step: int) -> None:
        metrics = self.probe.finish_update(step, self.eta, self.exact)
        self.pending, self.raw_norm, self.exact = [], None, None
        # TRL averages `_metrics` into the logs it hands to every reporting integration.
        store = getattr(self.trainer, "_metrics", None)
        if store is not None:
            for key, value in metrics.items():
                store["train"][key].append(value)


class _ProbeCallback(TrainerCallback):  # type: ignore[misc]
    def __init__(self, hooks: _TrlHooks) -> None:
        self.hooks = hooks

    def on_pre_optimizer_step(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.hooks.before_step()

    def on_optimizer_step(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.hooks.after_step()

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.hooks.end_update(state.global_step)

    def on_train_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.hooks.probe.close()


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value.value) if hasattr(value, "value") else str(value)
