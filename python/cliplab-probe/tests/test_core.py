"""Clip events, tallies and the logit-space estimate against hand-made cases and brute force."""

import math

import pytest
import torch

from cliplab_probe import keys
from cliplab_probe.core import (
    ClipSettings,
    Tally,
    TokenBatch,
    clip_events,
    clip_metrics,
    pg_entropy_coefficient,
    softmax_stats,
    tally_clip_stats,
    tally_entropy_push,
)

CLIP = ClipSettings(eps_low=0.2, eps_high=0.28, dual_clip=3.0)


def batch(ratio, adv, mask=None, **extra):
    ratio = torch.tensor(ratio, dtype=torch.float64)
    adv = torch.tensor(adv, dtype=torch.float64).expand_as(ratio)
    mask = torch.ones_like(ratio, dtype=torch.bool) if mask is None else torch.tensor(mask)
    logp = torch.log(torch.full_like(ratio, 0.3))
    return TokenBatch(ratio=ratio, logp=logp, old_logp=logp - ratio.log(), advantages=adv, mask=mask, **extra)


def test_clip_events_follow_the_paper_on_hand_made_ratios():
    # columns: low, not low (at the bound), high, not high (A < 0), dual, masked low
    b = batch(
        [[0.7, 0.8, 1.3, 1.5, 3.5, 0.1]],
        [[-1.0, -1.0, 1.0, -1.0, -1.0, -1.0]],
        mask=[[True, True, True, True, True, False]],
    )
    b.advantages = torch.tensor([[-1.0, -1.0, 1.0, -1.0, -1.0, -1.0]], dtype=torch.float64)
    e = clip_events(b.ratio, b.advantages, b.mask, CLIP)
    assert e.low.tolist() == [[True, False, False, False, False, False]]
    assert e.high.tolist() == [[False, False, True, False, False, False]]
    assert e.dual.tolist() == [[False, False, False, False, True, False]]


def test_no_upper_clip_and_zero_advantage_never_clip():
    off = ClipSettings(eps_low=0.2, eps_high=None)
    ratio = torch.tensor([[5.0, 0.1, 0.1]])
    adv = torch.tensor([[1.0, 0.0, 0.0]])
    e = clip_events(ratio, adv, torch.ones_like(ratio, dtype=torch.bool), off)
    assert not e.high.any() and not e.low.any() and not e.dual.any()


def test_fractions_gaps_and_extremes_over_masked_tokens():
    entropy = torch.tensor([[1.0, 2.0, 0.5, 9.0]], dtype=torch.float64)
    b = batch([[0.5, 1.5, 1.0, 0.1]], [[-1.0, 1.0, 1.0, -1.0]], mask=[[True, True, True, False]], entropy=entropy)
    m = clip_metrics(tally_clip_stats(b, CLIP))
    assert m[keys.CLIP_LOW_FRAC] == pytest.approx(1 / 3)
    assert m[keys.CLIP_HIGH_FRAC] == pytest.approx(1 / 3)
    assert m[keys.CLIP_DUAL_FRAC] == 0
    assert m[keys.ENTROPY] == pytest.approx(3.5 / 3)
    s = -math.log(0.3)
    assert m[keys.CLIP_LOW_GAP] == pytest.approx(s - 1.0)
    assert m[keys.CLIP_HIGH_GAP] == pytest.approx(s - 2.0)
    assert (m[keys.RATIO_MIN], m[keys.RATIO_MAX]) == pytest.approx((0.5, 1.5))  # the masked 0.1 is ignored


def test_tallies_merge_like_one_batch():
    torch.manual_seed(0)
    ratio = torch.exp(0.3 * torch.randn(6, 5))
    adv = torch.randn(6, 1).expand(6, 5)
    whole = batch(ratio.tolist(), adv.tolist())
    halves = [batch(ratio[:3].tolist(), adv[:3].tolist()), batch(ratio[3:].tolist(), adv[3:].tolist())]
    merged = Tally()
    for h in halves:
        merged.merge(tally_clip_stats(h, CLIP))
    assert clip_metrics(merged) == pytest.approx(clip_metrics(tally_clip_stats(whole, CLIP)))


def test_softmax_stats_match_brute_force():
    torch.manual_seed(1)
    logits, targets, temp = torch.randn(4, 7, dtype=torch.float64), torch.tensor([0, 3, 6, 2]), 0.7
    logp, h, sq = softmax_stats(logits, targets, temp)
    for i in range(4):
        p = torch.softmax(logits[i] / temp, 0).tolist()
        hi = -sum(x * math.log(x) for x in p)
        assert h[i].item() == pytest.approx(hi, rel=1e-6)
        assert sq[i].item() == pytest.approx(sum(x * x * (math.log(x) + hi) for x in p), rel=1e-5)
        assert logp[i].item() == pytest.approx(math.log(p[targets[i]]), rel=1e-6)


def test_logit_space_coefficient_is_the_entropy_derivative_along_the_pg_step():
    """dH/d eta of softmax(z + eta w (e_a - pi)) / T at eta = 0, by central difference."""
    torch.manual_seed(2)
    z, a, temp, w = torch.randn(9, dtype=torch.float64), 4, 1.3, 0.8
    pi = torch.softmax(z / temp, 0)
    dz = w * (torch.nn.functional.one_hot(torch.tensor(a), 9).double() - pi) / temp

    def entropy(eta):
        p = torch.softmax((z + eta * dz) / temp, 0)
        return float(-(p * p.log()).sum())

    h = 1e-5
    fd = (entropy(h) - entropy(-h)) / (2 * h)
    logp, ent, sq = softmax_stats(z[None], torch.tensor([a]), temp)
    assert float(w * pg_entropy_coefficient(logp, ent, sq, temp)) == pytest.approx(fd, rel=1e-6)


def test_entropy_push_splits_applied_and_removed_weights():
    b = batch([[0.5, 1.0, 1.5]], [[-2.0, 1.0, 1.0]], agg=torch.full((1, 3), 0.5, dtype=torch.float64))
    per_unit = torch.tensor([[1.0, 10.0, 100.0]], dtype=torch.float64)
    t = tally_entropy_push(b, CLIP, per_unit, "x")
    # token 0 clip-low (w = 0.5 * 0.5 * -2), token 2 clip-high (w = 0.5 * 1.5), token 1 applied (w = 0.5)
    assert t.sums["x_pred"] == pytest.approx(0.5 * 10)
    assert t.sums["x_low_drift"] == pytest.approx(0.5 * 1)  # minus the removed weight -0.5 times per_unit 1
    assert t.sums["x_high_drift"] == pytest.approx(-0.75 * 100)
    assert t.sums["x_dual_drift"] == 0


def test_settings_are_checked():
    with pytest.raises(ValueError, match="eps_low"):
        ClipSettings(eps_low=-0.1, eps_high=0.2)
    with pytest.raises(ValueError, match="dual_clip"):
        ClipSettings(eps_low=0.2, eps_high=0.2, dual_clip=1.0)
    assert ClipSettings(0.2, None).as_params()["clip_ratio_high"] == "inf"
