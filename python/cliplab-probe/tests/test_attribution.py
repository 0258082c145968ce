"""Exact first-order attribution on a tiny Llama: the directional derivative against a finite
difference, the token decomposition against the real step, and prediction / measurement -> 1 as lr -> 0."""

import pytest
import torch
from tiny_models import tiny_llama

from cliplab_probe.attribution import (
    ExactAttribution,
    ModelBatch,
    causal_lm_logits,
    directional_logp,
    token_logp_entropy,
)
from cliplab_probe.core import ClipSettings, TokenBatch

CLIP = ClipSettings(eps_low=0.2, eps_high=0.2)
TEMPERATURE = 0.9


def make_batch(model, seed=0, rows=4, prompt=5, response=6):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(3, model.config.vocab_size, (rows, prompt + response), generator=g)
    # No left padding here: transformers' float64 masks turn padded rows into NaN (the TRL test pads).
    attention = torch.ones_like(ids)
    mask = torch.ones(rows, response, dtype=torch.bool)
    mask[1, -2:] = False  # a response that ended early
    mb = ModelBatch({"input_ids": ids, "attention_mask": attention}, ids[:, -response:], None)  # type: ignore[arg-type]
    with torch.no_grad():
        logp, entropy = token_logp_entropy(causal_lm_logits(model, None, mb), mb.targets, TEMPERATURE)
    # an old policy a little away from the current one, so that some ratios leave the clip range
    old = logp + 0.3 * torch.randn(logp.shape, generator=g, dtype=logp.dtype)
    adv = torch.randn(rows, 1, generator=g, dtype=logp.dtype).expand(rows, response)
    agg = torch.full_like(logp, 1.0 / float(mask.sum()))  # token-mean
    mb.tokens = TokenBatch(
        ratio=(logp - old).exp(), logp=logp, old_logp=old, advantages=adv, mask=mask, entropy=entropy, agg=agg
    )
    return mb


def ppo_loss(model, mb):
    """Token-mean PPO-clip loss from the model's own log-probs: sum_t agg_t * -min(r A, clip(r) A)."""
    logp, _ = token_logp_entropy(causal_lm_logits(model, None, mb), mb.targets, TEMPERATURE)
    t = mb.tokens
    ratio = (logp - t.old_logp).exp()
    surrogate = torch.minimum(ratio * t.advantages, ratio.clamp(1 - CLIP.eps_low, 1 + CLIP.eps_high) * t.advantages)
    return -(torch.where(t.mask, surrogate, torch.zeros_like(surrogate)) * t.agg).sum()


def one_update(model, optimizer, batches, exact):
    optimizer.zero_grad()
    for mb in batches:
        ppo_loss(model, mb).backward()
    exact.before_step(batches, optimizer, clip_scale=1.0)
    optimizer.step()
    return exact.after_step(batches)


def test_directional_derivative_matches_a_central_difference():
    model = tiny_llama(dtype=torch.float64)
    mb = make_batch(model)
    g = torch.Generator().manual_seed(3)
    tangent = {n: 1e-2 * torch.randn(p.shape, generator=g, dtype=p.dtype) for n, p in model.named_parameters()}
    c = directional_logp(model, causal_lm_logits, mb, tangent, TEMPERATURE)

    def logp_at(eps):
        with torch.no_grad():
            for n, p in model.named_parameters():
                p.add_(eps * tangent[n])
            lp, _ = token_logp_entropy(causal_lm_logits(model, None, mb), mb.targets, TEMPERATURE)
            for n, p in model.named_parameters():
                p.sub_(eps * tangent[n])
        return lp

    def error(h):
        return float((c - (logp_at(h) - logp_at(-h)) / (2 * h)).abs().max())

    # A central difference converges as h^2 until rounding (RoPE runs in float32) takes over: the
    # forward-mode value is its limit, not a neighbour of it.
    coarse, fine = error(1e-1), error(1e-2)
    assert c.abs().max() > 0.1
    assert fine < coarse / 20
    assert fine < 1e-4 * float(c.abs().max())


@pytest.mark.parametrize("optimizer", ["sgd", "adam-first-step"])
def test_token_decomposition_is_the_real_step_when_nothing_is_carried(optimizer):
    """SGD (any step) and Adam's first step move theta by exactly -P g, so the update's predicted
    change equals the sum over tokens of applied_t c_t: the carry is zero and the sides add up."""
    model = tiny_llama(dtype=torch.float64)
    batches = [make_batch(model, seed=s) for s in (0, 1)]
    opt = (
        torch.optim.SGD(model.parameters(), lr=0.05)
        if optimizer == "sgd"
        else torch.optim.Adam(model.parameters(), lr=1e-3)
    )
    exact = ExactAttribution(model, TEMPERATURE, CLIP)
    tally, totals, _ = one_update(model, opt, batches, exact)
    clipped = sum(int((b.tokens.ratio < 0.8).sum() + (b.tokens.ratio > 1.2).sum()) for b in batches)
    assert clipped > 0
    # Adam's P is huge where a parameter's token gradients cancel (P ~ lr / |g|): the per-token sum
    # then loses digits to cancellation, hence the looser tolerance.
    rel = 1e-6 if optimizer == "sgd" else 1e-3
    assert tally.sums["exact_pred"] == pytest.approx(totals["delta_pred"], rel=rel)
    assert abs(tally.sums["exact_low_drift"]) + abs(tally.sums["exact_high_drift"]) > 0


def test_prediction_over_measurement_tends_to_one_as_lr_shrinks():
    """First order: the gap between predicted and measured change shrinks like lr."""
    errors = []
    for lr in (3e-3, 3e-4, 3e-5):
        model = tiny_llama(dtype=torch.float64)
        batches = [make_batch(model)]
        _, totals, _ = one_update(
            model, torch.optim.SGD(model.parameters(), lr=lr), batches, ExactAttribution(model, TEMPERATURE, CLIP)
        )
        errors.append(abs(totals["delta_pred"] / totals["delta"] - 1))
    assert errors[1] < errors[0] / 5 and errors[2] < errors[1] / 5
    assert errors[2] < 0.01
