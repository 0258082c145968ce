"""Exact first-order entropy attribution of one optimizer update (the method of cliplab's
exact-attribution issue, for a network):

    total       entropy/delta_pred = <grad_theta Hbar(theta_k), theta_{k+1} - theta_k>
    per token   c_t = <grad_theta log pi_t, s P grad_theta Hbar>

Hbar is the mean token entropy over the update's response tokens (every micro-batch, every rank),
P the optimizer's diagonal gradient-to-step map (optim.py), s the gradient clip scale. A token with
weight w_t in the gradient moves entropy by w_t c_t to first order, so clip side X's drift is
-sum_{t in X} w_t c_t (core.tally_entropy_push).

All c_t of a micro-batch come from ONE directional derivative of log pi along v = s P grad Hbar,
computed exactly with forward-mode autodiff (dual numbers, torch.autograd.forward_ad, through
torch.func.functional_call), not a finite difference. These passes run in eval mode (no dropout, no
gradient checkpointing); attention runs through PyTorch's math SDPA kernel during the forward-mode
pass, because the fused CPU / flash kernels have no forward-mode formula. Cost per micro-batch: one forward+backward
for grad Hbar, one forward-mode pass (about two forwards), and one no-grad forward after the step
for the measured change; plus one copy of the parameters for theta_{k+1} - theta_k.

Caveat: an embedding with `padding_idx` gets no gradient through its padding row, so where that token
id is sampled inside a response, backward-mode gradients (the optimizer's, grad Hbar) and forward-mode
derivatives (c_t) disagree on that row; `entropy/delta_pred_other` then shows the difference.

Assumes every rank holds the full parameters (one process, or DDP); sharded parameters (FSDP,
ZeRO-3) are refused with a clear error."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.autograd.forward_ad as fwAD
from torch import nn
from torch.func import functional_call
from torch.nn.attention import SDPBackend, sdpa_kernel

from .core import ClipSettings, Tally, TokenBatch, at_least_float32, tally_entropy_push
from .distributed import all_reduce_tensors
from .optim import coming_steps


@dataclass
class ModelBatch:
    """What the model needs to score a micro-batch's response tokens again."""

    inputs: dict[str, torch.Tensor]  # model kwargs, e.g. input_ids and attention_mask
    targets: torch.Tensor  # [B, T] the response tokens
    tokens: TokenBatch  # the loss's view of the same tokens (mask, weights, clip events)


# (model, parameters by name or None for the model's own, batch) -> logits [B, T, V] at the positions
# that predict `targets`
LogitsFn = Callable[[nn.Module, Mapping[str, torch.Tensor] | None, ModelBatch], torch.Tensor]


def causal_lm_logits(model: nn.Module, params: Mapping[str, torch.Tensor] | None, batch: ModelBatch) -> torch.Tensor:
    """Logits of a Hugging Face-style causal LM (`logits_to_keep`, output `.logits`) for the last T
    tokens of `input_ids`: position i predicts token i + 1, so T + 1 positions are kept and the last dropped."""
    t = batch.targets.shape[1]
    kwargs = {**batch.inputs, "logits_to_keep": t + 1, "use_cache": False}
    out = model(**kwargs) if params is None else functional_call(model, dict(params), (), kwargs)
    logits: torch.Tensor = out.logits[:, :-1]  # [B, T, V]
    return logits


def token_logp_entropy(
    logits: torch.Tensor, targets: torch.Tensor, temperature: float
) -> tuple[torch.Tensor, torch.Tensor]:
    """log pi(target) and full-vocabulary entropy of softmax(logits / T). [B, T, V], [B, T] -> [B, T], [B, T]"""
    logp_all = torch.log_softmax(at_least_float32(logits) / temperature, dim=-1)  # [B, T, V]
    entropy = -(logp_all.exp() * logp_all).sum(-1)  # [B, T]
    return logp_all.gather(-1, targets[..., None]).squeeze(-1), entropy


def _check_not_sharded(params: list[torch.Tensor]) -> None:
    for p in params:
        if type(p).__name__ == "DTensor" or hasattr(p, "ds_id") or hasattr(p, "_is_sharded"):
            raise NotImplementedError(
                "exact attribution needs the full parameters on every rank (one process or DDP); "
                "this model's parameters are sharded (FSDP / ZeRO-3). Set exact_every=0."
            )


def directional_logp(
    model: nn.Module, logits_fn: LogitsFn, batch: ModelBatch, tangent: Mapping[str, torch.Tensor], temperature: float
) -> torch.Tensor:
    """c_t = d log pi_t(theta + eps v) / d eps at eps = 0 for every token of the batch at once, v given per
    parameter name (missing names: 0). Forward-mode autodiff with dual numbers (torch.autograd.forward_ad)
    rather than torch.func.jvp: models may carry hooks that call requires_grad_ (transformers'
    input-embedding hook), which functorch transforms refuse. [B, T]"""
    # Every name a parameter goes by (tied embeddings: the input embedding and the LM head) gets the same
    # dual tensor; functional_call's own tie detection misses ties that a trainer set up after loading.
    names_of: dict[int, list[str]] = {}
    values: dict[int, torch.Tensor] = {}
    for name, p in model.named_parameters(remove_duplicate=False):
        names_of.setdefault(id(p), []).append(name)
        values[id(p)] = p
    by_name = {n: i for i, names in names_of.items() for n in names}
    params: dict[str, torch.Tensor] = dict(model.named_buffers())
    with fwAD.dual_level(), torch.no_grad(), sdpa_kernel([SDPBackend.MATH]):
        for i, names in names_of.items():
            v = next((tangent[n] for n in names if n in tangent), None)
            value = values[i].detach() if v is None else fwAD.make_dual(values[i].detach(), v)
            params.update(dict.fromkeys(names, value))
        unknown = set(tangent) - set(by_name)
        if unknown:
            raise KeyError(f"tangent for unknown parameters: {sorted(unknown)}")
        lp, _ = token_logp_entropy(logits_fn(model, params, batch), batch.targets, temperature)
        c = fwAD.unpack_dual(lp).tangent
    return torch.zeros_like(lp) if c is None else c.detach()


@contextmanager
def _eval_mode(model: nn.Module) -> Iterator[None]:
    """The attribution's passes run without dropout and without gradient checkpointing (which has no
    forward-mode rule): eval mode, restored afterwards. With dropout off (TRL's default) the training
    forward computes the same function."""
    was_training = model.training
    model.eval()
    try:
        yield
    finally:
        model.train(was_training)


@dataclass
class _Pending:
    grad_h: list[torch.Tensor]  # grad of Hbar, aligned with `params`
    before: list[torch.Tensor]  # theta_k
    entropy_before: float  # Hbar(theta_k)
    momentum: float  # <grad Hbar, the step's part carried by the optimizer's momentum>
    tally: Tally
    seconds: float


@dataclass
class ExactAttribution:
    model: nn.Module
    temperature: float
    clip: ClipSettings
    logits_fn: LogitsFn = causal_lm_logits
    _pending: _Pending | None = field(default=None, init=False)

    def _named_trainable(self) -> list[tuple[str, torch.Tensor]]:
        return [(n, p) for n, p in self.model.named_parameters() if p.requires_grad]

    def _entropy_sums(
        self, batches: list[ModelBatch], with_grad: bool, params: list[torch.Tensor]
    ) -> tuple[float, float, list[torch.Tensor]]:
        """sum of H over the response tokens (all ranks), the token count, and (with_grad) d(sum H)/d theta."""
        grads = [torch.zeros_like(p) for p in params] if with_grad else []
        total, count = 0.0, 0.0
        for b in batches:
            with torch.set_grad_enabled(with_grad):
                _, entropy = token_logp_entropy(self.logits_fn(self.model, None, b), b.targets, self.temperature)
                h_sum = torch.where(b.tokens.mask, entropy, torch.zeros_like(entropy)).sum()
            if with_grad:
                parts = torch.autograd.grad(h_sum, params, allow_unused=True)  # leaves p.grad untouched
                for acc, g in zip(grads, parts, strict=True):
                    if g is not None:
                        acc.add_(g)
            total += float(h_sum.detach())
            count += float(b.tokens.mask.sum())
        sums = torch.tensor([total, count], dtype=torch.float64)
        all_reduce_tensors([sums])
        all_reduce_tensors(grads)
        return float(sums[0]), float(sums[1]), grads

    def before_step(self, batches: list[ModelBatch], optimizer: Any, clip_scale: float) -> None:
        """At theta_k, gradients final: grad Hbar, v = s P grad Hbar, every token's c_t, a copy of theta_k."""
        with _eval_mode(self.model):
            self._before_step(batches, optimizer, clip_scale)

    def _before_step(self, batches: list[ModelBatch], optimizer: Any, clip_scale: float) -> None:
        started = time.perf_counter()
        named = self._named_trainable()
        names, params = [n for n, _ in named], [p for _, p in named]
        _check_not_sharded(params)
        h_sum, count, grads = self._entropy_sums(batches, True, params)
        grad_h = [g / max(count, 1.0) for g in grads]
        by_id = {id(p): i for i, p in enumerate(params)}
        tangent = [torch.zeros_like(p) for p in params]
        momentum = 0.0
        for ps in coming_steps(optimizer):
            i = by_id.get(id(ps.param))
            if i is not None:
                tangent[i] = clip_scale * ps.precond * grad_h[i]
                if ps.momentum is not None:
                    momentum += float((grad_h[i].double() * ps.momentum.double()).sum())
        tally = Tally()
        for b in batches:
            c = directional_logp(
                self.model, self.logits_fn, b, dict(zip(names, tangent, strict=True)), self.temperature
            )
            tally.merge(
                tally_entropy_push(b.tokens, self.clip, torch.where(b.tokens.mask, c, torch.zeros_like(c)), "exact")
            )
        before = [p.detach().clone() for p in params]
        self._pending = _Pending(
            grad_h, before, h_sum / max(count, 1.0), momentum, tally, time.perf_counter() - started
        )

    def after_step(self, batches: list[ModelBatch]) -> tuple[Tally, dict[str, float], float]:
        """At theta_{k+1}: the exact total and the measured change. Returns the per-token tally (to be
        all-reduced with the update's other sums), the replicated totals, and the seconds spent."""
        if self._pending is None:
            raise RuntimeError("after_step without before_step")
        pending, self._pending = self._pending, None
        started = time.perf_counter()
        params = [p for _, p in self._named_trainable()]
        with torch.no_grad():
            total = sum(
                float((g.double() * (p.detach().double() - b.double())).sum())
                for g, p, b in zip(pending.grad_h, params, pending.before, strict=True)
            )
        with _eval_mode(self.model):
            h_after, count, _ = self._entropy_sums(batches, False, params)
        totals = {
            "delta_pred": total,
            "momentum": pending.momentum,
            "delta": h_after / max(count, 1.0) - pending.entropy_before,
        }
        return pending.tally, totals, pending.seconds + time.perf_counter() - started
