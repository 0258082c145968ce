"""The registered verl loss is verl's vanilla loss, bit for bit (loss and gradients, every aggregation
mode), and records the probe's metrics per optimizer update."""

import json

import pytest
import torch
from verl.trainer.ppo.core_algos import POLICY_LOSS_REGISTRY, agg_loss, get_policy_loss_fn
from verl.workers.config import ActorConfig

import cliplab_probe.verl as probe_verl
from cliplab_probe import keys

MODES = ["token-mean", "token-sum", "seq-mean-token-sum", "seq-mean-token-mean", "seq-mean-token-sum-norm"]


def actor_config(**overrides):
    settings = dict(
        strategy="fsdp",
        rollout_n=4,
        ppo_micro_batch_size_per_gpu=2,
        clip_ratio_low=0.2,
        clip_ratio_high=0.28,
        clip_ratio_c=3.0,
    )
    return ActorConfig(**(settings | overrides))


def tensors(seed, rows=6, length=9):
    g = torch.Generator().manual_seed(seed)
    old = -torch.rand(rows, length, generator=g) * 3
    logp = (old + 0.6 * torch.randn(rows, length, generator=g)).requires_grad_(True)  # ratios well outside the range
    adv = torch.randn(rows, 1, generator=g).expand(rows, length).clone()
    mask = torch.ones(rows, length, dtype=torch.bool)
    mask[0, 5:] = False
    mask[3, 2:] = False
    return old, logp, adv, mask


@pytest.mark.parametrize("weights", [False, True])
@pytest.mark.parametrize("mode", MODES)
def test_equal_loss_and_gradients_to_verls_vanilla(mode, weights):
    config = actor_config()
    old, logp, adv, mask = tensors(0)
    is_weights = torch.rand(logp.shape, generator=torch.Generator().manual_seed(1)) if weights else None
    ours = POLICY_LOSS_REGISTRY["cliplab_probe"]
    theirs = get_policy_loss_fn("vanilla")
    a = logp.detach().clone().requires_grad_(True)
    b = logp.detach().clone().requires_grad_(True)
    loss_a, metrics_a = ours(old, a, adv, mask, mode, config, is_weights)
    loss_b, metrics_b = theirs(old, b, adv, mask, mode, config, is_weights)
    (grad_a,) = torch.autograd.grad(loss_a, a)
    (grad_b,) = torch.autograd.grad(loss_b, b)
    assert torch.equal(loss_a, loss_b)
    assert torch.equal(grad_a, grad_b)
    assert {k: metrics_a[k] for k in metrics_b} == metrics_b
    assert keys.CLIP_LOW_FRAC in metrics_a and keys.CLIP_HIGH_FRAC in metrics_a


@pytest.mark.parametrize("mode", MODES)
def test_aggregation_weights_are_verls(mode):
    """sum_t agg_t x_t reproduces agg_loss for any loss matrix x."""
    config = actor_config()
    _, logp, _, mask = tensors(2)
    x = torch.randn(logp.shape, dtype=torch.float32)
    w = probe_verl.aggregation_weights(mask, mode, config)
    expected = agg_loss(loss_mat=x, loss_mask=mask, loss_agg_mode=mode)
    assert float((w * x).sum()) == pytest.approx(float(expected), rel=1e-5)


def test_fractions_follow_the_paper_and_verls_combined_figure():
    config = actor_config()
    old, logp, adv, mask = tensors(3)
    _, metrics = POLICY_LOSS_REGISTRY["cliplab_probe"](old, logp, adv, mask, "token-mean", config, None)
    ratio = torch.exp(logp.detach() - old)
    tokens = mask.sum()
    low = float(((adv < 0) & (ratio < 0.8) & mask).sum() / tokens)
    high = float(((adv > 0) & (ratio > 1.28) & mask).sum() / tokens)
    assert metrics[keys.CLIP_LOW_FRAC] == pytest.approx(low)
    assert metrics[keys.CLIP_HIGH_FRAC] == pytest.approx(high)
    assert low > 0 and high > 0
    # verl's pg_clipfrac counts both sides together (its pg_clipfrac_lower is the dual clip)
    assert metrics["actor/pg_clipfrac"] == pytest.approx(low + high, abs=1e-6)
    assert metrics["actor/pg_clipfrac_lower"] == pytest.approx(metrics[keys.CLIP_DUAL_FRAC], abs=1e-6)


def test_one_stream_record_per_optimizer_update(tmp_path, monkeypatch):
    stream = tmp_path / "verl-probe.jsonl"
    monkeypatch.setenv(probe_verl.STREAM_ENV, str(stream))
    monkeypatch.setattr(probe_verl, "_session", None)
    config = actor_config()
    config.global_batch_info["dp_size"] = 1
    param = torch.nn.Parameter(torch.zeros(6, 9))
    opt = torch.optim.SGD([param], lr=0.1)
    ours = POLICY_LOSS_REGISTRY["cliplab_probe"]
    counts = []
    for update in range(2):
        for micro in range(2):
            old, _, adv, mask = tensors(10 * update + micro)
            logp = old + 0.6 * torch.randn(old.shape, generator=torch.Generator().manual_seed(micro)) + param
            loss, _ = ours(old, logp, adv, mask, "token-mean", config, None)
            loss.backward()
            ratio = torch.exp(logp.detach() - old)
            counts.append(int(((adv < 0) & (ratio < 0.8) & mask).sum()))
        with torch.no_grad():  # a log-prob pass: not a training micro-batch
            ours(old, logp.detach(), adv, mask, "token-mean", config, None)
        opt.step()
        opt.zero_grad()
    probe_verl._session.probe.close()
    lines = [json.loads(line) for line in stream.read_text().splitlines()]
    assert lines[0]["run"]["trainer"] == "verl"
    assert lines[0]["run"]["clip"] == {"clip_ratio_low": 0.2, "clip_ratio_high": 0.28, "clip_ratio_c": 3.0}
    assert [r["step"] for r in lines[1:]] == [1, 2]
    tokens = int(mask.sum())
    assert lines[1]["metrics"][keys.CLIP_LOW_FRAC] == pytest.approx(sum(counts[:2]) / (2 * tokens))
    assert lines[2]["metrics"][keys.TOKENS] == 4 * tokens
