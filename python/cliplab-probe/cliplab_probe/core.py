"""The probe's measurements on one optimizer update, from the tensors the trainer already has: the
importance ratio, the advantages, the response mask, and (where the trainer computes them) the token
entropy and the softmax statistics of the logits. Pure torch; trainer adapters live in trl.py / verl.py.

Definitions (research/paper.md, token level):
    clip-low   A < 0 and r < 1 - eps_low      (the token stops being pushed down)
    clip-high  A > 0 and r > 1 + eps_high     (the token stops being pushed up)
    dual-clip  A < 0 and r > c                (dual-clip PPO, arXiv 1912.09729)
    surprisal gap of a clipped token: s - H = -log pi(a) - H at that position, under the policy being
    updated (the local trainer uses pi_old; both agree on the first update of a rollout).

Per-token weights. A token's term in the loss the optimizer minimises is -agg_t * coef_t * A_t, where
coef_t is the ratio the surrogate keeps (r, or the clip bound once clipped) and agg_t is its share of
the aggregation (loss_agg_mode / loss_type normalisers, data-parallel averaging). Its weight in the
unclipped surrogate's gradient is w_t = agg_t r_t A_t (grad of J = sum_t w_t grad log pi_t); clipping
removes all of it, so `removed_t = w_t` on clipped tokens and 0 elsewhere.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch

from . import keys


@dataclass(frozen=True)
class ClipSettings:
    """The trainer's clip bounds. `eps_high=None`: no upper clip; `dual_clip=None`: no dual clip."""

    eps_low: float
    eps_high: float | None
    dual_clip: float | None = None

    def __post_init__(self) -> None:
        if not (0 <= self.eps_low <= 1):
            raise ValueError(f"eps_low: expected a number in [0, 1], got {self.eps_low}")
        if self.eps_high is not None and self.eps_high < 0:
            raise ValueError(f"eps_high: expected a non-negative number or None, got {self.eps_high}")
        if self.dual_clip is not None and self.dual_clip <= 1:
            raise ValueError(f"dual_clip: expected a number > 1 or None, got {self.dual_clip}")

    def as_params(self) -> dict[str, float | str | None]:
        """The settings under verl's names, which cliplab's diagnostics read (an upper clip that is off is "inf")."""
        return {
            "clip_ratio_low": self.eps_low,
            "clip_ratio_high": "inf" if self.eps_high is None else self.eps_high,
            "clip_ratio_c": self.dual_clip,
        }


@dataclass
class ClipEvents:
    low: torch.Tensor  # [B, T] bool
    high: torch.Tensor  # [B, T] bool
    dual: torch.Tensor  # [B, T] bool


def clip_events(ratio: torch.Tensor, advantages: torch.Tensor, mask: torch.Tensor, clip: ClipSettings) -> ClipEvents:
    """The paper's clip events on response tokens. ratio, advantages, mask: [B, T] (advantages may be [B, 1])."""
    negative = (advantages < 0) & mask  # [B, T]
    positive = (advantages > 0) & mask  # [B, T]
    low = negative & (ratio < 1 - clip.eps_low)
    high = positive & (ratio > 1 + clip.eps_high) if clip.eps_high is not None else torch.zeros_like(mask)
    dual = negative & (ratio > clip.dual_clip) if clip.dual_clip is not None else torch.zeros_like(mask)
    return ClipEvents(low=low, high=high, dual=dual)


@dataclass
class TokenBatch:
    """One micro-batch of response tokens as the trainer's loss saw it. Every tensor [B, T], detached."""

    ratio: torch.Tensor  # pi_theta / pi_old, exactly as the trainer's loss computes it
    logp: torch.Tensor  # log pi_theta of the sampled token
    old_logp: torch.Tensor  # log pi_old of the sampled token
    advantages: torch.Tensor
    mask: torch.Tensor  # bool: response tokens the loss counts
    entropy: torch.Tensor | None = None  # full-vocabulary entropy at the token's position, if the trainer has it
    # sum_b pi_b^2 (log pi_b + H): with `entropy`, what the logit-space estimate needs (softmax_stats)
    sq_term: torch.Tensor | None = None
    # agg_t: the token's share of the loss, in units of the gradient the optimizer sees (module docstring)
    agg: torch.Tensor | None = None


def unclipped_weights(batch: TokenBatch) -> torch.Tensor:
    """w_t = agg_t r_t A_t: the token's weight in the unclipped surrogate's gradient. [B, T]"""
    if batch.agg is None:
        raise ValueError("the per-token aggregation weights (agg) are needed for entropy attribution")
    return torch.where(batch.mask, batch.agg * batch.ratio * batch.advantages, torch.zeros_like(batch.ratio))


def at_least_float32(x: torch.Tensor) -> torch.Tensor:
    """Softmax statistics of half-precision logits in float32; float64 stays float64."""
    return x.to(torch.promote_types(x.dtype, torch.float32))


def softmax_stats(logits: torch.Tensor, targets: torch.Tensor, temperature: float) -> tuple[torch.Tensor, ...]:
    """log pi(target), H and sum_b pi_b^2 (log pi_b + H) of softmax(logits / T), in at least float32.
    logits: [N, V], targets: [N] -> three [N] tensors."""
    logp_all = torch.log_softmax(at_least_float32(logits) / temperature, dim=-1)  # [N, V]
    p = logp_all.exp()  # [N, V]
    entropy = -(p * logp_all).sum(-1)  # [N]
    sq_term = (p * p * (logp_all + entropy[:, None])).sum(-1)  # [N]
    logp = logp_all.gather(-1, targets[:, None]).squeeze(-1)  # [N]
    return logp, entropy, sq_term


def pg_entropy_coefficient(
    logp: torch.Tensor, entropy: torch.Tensor, sq_term: torch.Tensor, temperature: float
) -> torch.Tensor:
    """dH_a / (eta w) of the logit-space model dz = eta w (e_a - pi) / T (src-main/engine/rl/entropy.ts):
    -(1/T^2) [pi_a (log pi_a + H) - sum_b pi_b^2 (log pi_b + H)]. Shapes follow the inputs."""
    own = logp.exp() * (logp + entropy)  # pi_a (log pi_a + H)
    return -(own - sq_term) / (temperature * temperature)


# How a tally entry combines across micro-batches and data-parallel ranks.
SUM, MIN, MAX = "sum", "min", "max"


@dataclass
class Tally:
    """Sums (and extremes) over the tokens of one update; merged across micro-batches, then ranks."""

    sums: dict[str, float] = field(default_factory=dict)
    mins: dict[str, float] = field(default_factory=dict)
    maxs: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, value: float) -> None:
        self.sums[name] = self.sums.get(name, 0.0) + value

    def low(self, name: str, value: float) -> None:
        self.mins[name] = min(self.mins.get(name, math.inf), value)

    def high(self, name: str, value: float) -> None:
        self.maxs[name] = max(self.maxs.get(name, -math.inf), value)

    def merge(self, other: Tally) -> None:
        for k, v in other.sums.items():
            self.add(k, v)
        for k, v in other.mins.items():
            self.low(k, v)
        for k, v in other.maxs.items():
            self.high(k, v)


def tally_clip_stats(batch: TokenBatch, clip: ClipSettings) -> Tally:
    """The cheap per-token statistics of one micro-batch: counts, surprisal gaps, entropy, KL, ratio range."""
    t = Tally()
    mask = batch.mask
    events = clip_events(batch.ratio, batch.advantages, mask, clip)
    values: dict[str, torch.Tensor] = {
        "tokens": mask.sum(),
        "low": events.low.sum(),
        "high": events.high.sum(),
        "dual": events.dual.sum(),
        "kl_sum": torch.where(mask, batch.old_logp - batch.logp, torch.zeros_like(batch.logp)).sum(),
    }
    if batch.entropy is not None:
        gap = -batch.logp - batch.entropy  # [B, T] s - H
        values["entropy_sum"] = torch.where(mask, batch.entropy, torch.zeros_like(gap)).sum()
        values["low_gap_sum"] = torch.where(events.low, gap, torch.zeros_like(gap)).sum()
        values["high_gap_sum"] = torch.where(events.high, gap, torch.zeros_like(gap)).sum()
    # One device-to-host copy for the whole micro-batch.
    stacked = torch.stack([v.double() for v in values.values()]).tolist()
    for name, value in zip(values, stacked, strict=True):
        t.add(name, value)
    if bool(mask.any()):
        t.low("ratio_min", float(batch.ratio[mask].min()))
        t.high("ratio_max", float(batch.ratio[mask].max()))
    return t


def tally_entropy_push(batch: TokenBatch, clip: ClipSettings, per_unit: torch.Tensor, prefix: str) -> Tally:
    """Sums of a first-order entropy change per unit token weight (`per_unit`, [B, T]): the applied
    update's part `{prefix}_pred` = sum_t applied_t per_unit_t, and each clip side's removed push
    `{prefix}_{side}_drift` = -sum over the side's tokens of w_t per_unit_t (clipping took it away)."""
    w = unclipped_weights(batch)  # [B, T]
    events = clip_events(batch.ratio, batch.advantages, batch.mask, clip)
    zero = torch.zeros_like(w)
    applied = torch.where(events.low | events.high | events.dual, zero, w)  # [B, T]
    sides = {"low": events.low, "high": events.high, "dual": events.dual}
    values = [(applied * per_unit).sum()] + [-(torch.where(m, w, zero) * per_unit).sum() for m in sides.values()]
    names = [f"{prefix}_pred"] + [f"{prefix}_{side}_drift" for side in sides]
    t = Tally()
    for name, value in zip(names, torch.stack(values).double().tolist(), strict=True):
        t.add(name, value)
    return t


def tally_logit_estimate(batch: TokenBatch, clip: ClipSettings, temperature: float) -> Tally:
    """The logit-space estimate per unit step (eta = 1): each context's logits move by w (e_a - pi) / T."""
    if batch.entropy is None or batch.sq_term is None:
        raise ValueError("the logit-space estimate needs the token entropy and sq_term (softmax_stats)")
    coef = pg_entropy_coefficient(batch.logp, batch.entropy, batch.sq_term, temperature)  # [B, T]
    return tally_entropy_push(batch, clip, torch.where(batch.mask, coef, torch.zeros_like(coef)), "est")


def clip_metrics(t: Tally) -> dict[str, float]:
    """Fractions, gaps, entropy, KL and ratio range from a whole update's tally (ranks merged)."""
    tokens = t.sums.get("tokens", 0.0)
    if tokens <= 0:
        return {}
    low, high = t.sums["low"], t.sums["high"]
    out = {
        keys.CLIP_LOW_FRAC: low / tokens,
        keys.CLIP_HIGH_FRAC: high / tokens,
        keys.CLIP_DUAL_FRAC: t.sums["dual"] / tokens,
        keys.KL_PPO: t.sums["kl_sum"] / tokens,
        keys.RATIO_MIN: t.mins["ratio_min"],
        keys.RATIO_MAX: t.maxs["ratio_max"],
    }
    if "entropy_sum" in t.sums:
        out[keys.ENTROPY] = t.sums["entropy_sum"] / tokens
        # A gap exists only when some token clipped on that side (as in the local trainer).
        if low > 0:
            out[keys.CLIP_LOW_GAP] = t.sums["low_gap_sum"] / low
        if high > 0:
            out[keys.CLIP_HIGH_GAP] = t.sums["high_gap_sum"] / high
    return out


def logit_estimate_metrics(t: Tally, eta: float) -> dict[str, float]:
    """The estimate's keys for an update whose effective SGD step is eta = ||d theta|| / ||g||."""
    if "est_pred" not in t.sums:
        return {}
    return {
        keys.ENTROPY_DELTA_PRED_LOGIT: eta * t.sums["est_pred"],
        keys.CLIP_LOW_DRIFT_LOGIT: eta * t.sums["est_low_drift"],
        keys.CLIP_HIGH_DRIFT_LOGIT: eta * t.sums["est_high_drift"],
    }
