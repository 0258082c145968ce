"""The optimizer's gradient-to-step map at one update, read from its state just before `step()`
(gradients final, clipped): theta_{k+1} - theta_k = -P g + carry, with P diagonal.

* SGD: P = lr (first step, or lr (1 - dampening) once a momentum buffer exists; nesterov adds mu);
  carry = -lr mu buf_{k-1} (nesterov: -lr mu^2 buf_{k-1}).
* Adam / AdamW: P = lr (1 - beta1) / ((1 - beta1^t) (sqrt(v_t / (1 - beta2^t)) + eps)), with v_t already
  holding this update's squared gradient (the preconditioner of this update, held fixed to first
  order); carry = -lr beta1 m_{t-1} / ((1 - beta1^t) denom). amsgrad uses max(v_max, v_t).
* Weight decay is owned by no token: AdamW's decoupled -lr wd theta is part of the carry; Adam's and
  SGD's L2 term wd theta joins the gradient, so it passes through P, and its share is part of the
  carry too. Likewise the momentum carry: a past update's gradient, not this update's tokens.

Only P matters for attributing tokens (c_t = <grad log pi_t, s P grad H>, s the gradient clip scale);
the full step (P g + carry) gives the update's length for the logit-space estimate without copying the
parameters. Formulas follow torch.optim's documented algorithms; tests check them against real steps.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import torch

# (param, grad, group, state) -> (P, step, momentum): P a tensor shaped like param (or a float), step
# the parameter change the coming optimizer.step() applies, momentum its part carried from earlier
# updates' gradients (None when there is none).
StepFn = Callable[[torch.Tensor, torch.Tensor, dict[str, Any], dict[str, Any]], "StepResult"]


def _float(x: Any) -> float:
    return float(x.item()) if isinstance(x, torch.Tensor) else float(x)


StepResult = tuple[torch.Tensor | float, torch.Tensor, torch.Tensor | None]


def _sgd(p: torch.Tensor, g: torch.Tensor, group: dict[str, Any], state: dict[str, Any]) -> StepResult:
    lr, mu, damp, wd = (_float(group[k]) for k in ("lr", "momentum", "dampening", "weight_decay"))
    if group.get("maximize"):
        g = -g
    d = g + wd * p if wd else g
    buf: torch.Tensor | None = state.get("momentum_buffer")
    if mu == 0:
        return lr, -lr * d, None
    nesterov = bool(group.get("nesterov"))
    if buf is None:  # the first step fills the buffer with this gradient, undamped
        new_buf, own, carried = d.clone(), 1.0, None
    else:
        new_buf, own = mu * buf + (1 - damp) * d, 1 - damp  # own: this gradient's share in the buffer
        carried = -lr * (mu * mu if nesterov else mu) * buf
    if nesterov:
        return lr * (1 + mu * own), -lr * (d + mu * new_buf), carried
    return lr * own, -lr * new_buf, carried


def _adam(p: torch.Tensor, g: torch.Tensor, group: dict[str, Any], state: dict[str, Any]) -> StepResult:
    lr, eps, wd = _float(group["lr"]), _float(group["eps"]), _float(group["weight_decay"])
    beta1, beta2 = (_float(b) for b in group["betas"])
    if group.get("maximize"):
        g = -g
    decoupled = bool(group.get("decoupled_weight_decay", False))
    if wd and not decoupled:
        g = g + wd * p
    t = _float(state["step"]) + 1 if "step" in state else 1.0
    m_prev = state.get("exp_avg", torch.zeros_like(p))
    v = beta2 * state.get("exp_avg_sq", torch.zeros_like(p)) + (1 - beta2) * g * g
    if group.get("amsgrad"):
        v = torch.maximum(state.get("max_exp_avg_sq", torch.zeros_like(p)), v)
    bc1, bc2 = 1 - beta1**t, 1 - beta2**t
    denom = v.sqrt() / bc2**0.5 + eps
    carried = -(lr / bc1) * beta1 * m_prev / denom
    step = carried - (lr / bc1) * (1 - beta1) * g / denom
    if wd and decoupled:
        step = step - lr * wd * p
    return lr * (1 - beta1) / (bc1 * denom), step, carried


STEP_MAPS: dict[type, StepFn] = {
    torch.optim.SGD: _sgd,
    torch.optim.Adam: _adam,  # AdamW subclasses Adam (decoupled_weight_decay=True)
}


def unwrap_optimizer(optimizer: Any) -> torch.optim.Optimizer:
    """The torch optimizer inside wrappers (accelerate's AcceleratedOptimizer keeps it as `.optimizer`)."""
    # AcceleratedOptimizer is itself an Optimizer subclass, so unwrap by attribute, not by type.
    while isinstance(getattr(optimizer, "optimizer", None), torch.optim.Optimizer):
        optimizer = optimizer.optimizer
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"expected a torch.optim.Optimizer, got {type(optimizer).__name__}")
    return optimizer


def step_fn(optimizer: torch.optim.Optimizer) -> StepFn | None:
    """The step map of this optimizer's class, or None when the probe does not know it."""
    for cls in type(optimizer).__mro__:
        if cls in STEP_MAPS:
            return STEP_MAPS[cls]
    return None


@dataclass
class ParamStep:
    param: torch.Tensor
    precond: torch.Tensor | float  # P
    step: torch.Tensor  # the change optimizer.step() will apply
    momentum: torch.Tensor | None  # the part of `step` carried from earlier updates' gradients


def coming_steps(optimizer: Any) -> Iterator[ParamStep]:
    """P and the coming step of every parameter with a gradient, one at a time (no copy of the model)."""
    opt = unwrap_optimizer(optimizer)
    fn = step_fn(opt)
    if fn is None:
        raise NotImplementedError(
            f"{type(opt).__name__}: the probe knows the step maps of SGD, Adam and AdamW only "
            "(exact attribution and the logit-space estimate need it)"
        )
    with torch.no_grad():
        for group in opt.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                precond, step, momentum = fn(p.detach(), p.grad.detach(), group, opt.state.get(p, {}))
                yield ParamStep(param=p, precond=precond, step=step, momentum=momentum)


def coming_step_norm(optimizer: Any) -> float:
    """||theta_{k+1} - theta_k|| of the coming step."""
    total = 0.0
    for ps in coming_steps(optimizer):
        total += float(ps.step.double().pow(2).sum())
    return math.sqrt(total)


def grad_norm(optimizer: Any) -> float:
    """||g|| of the gradients the optimizer holds now."""
    opt = unwrap_optimizer(optimizer)
    sq = [
        p.grad.detach().double().pow(2).sum()
        for group in opt.param_groups
        for p in group["params"]
        if p.grad is not None
    ]
    return float(torch.stack(sq).sum().sqrt().item()) if sq else 0.0
