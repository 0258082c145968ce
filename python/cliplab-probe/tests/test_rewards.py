"""cliplab's random rewards for verl's custom_reward_function: independent of the response, at the
configured rate, reproducible per process and seed."""

import pytest

from cliplab_probe import rewards


def draw(fn, n, **kwargs):
    return [fn("gsm8k", f"answer {i}", "42", None, **kwargs) for i in range(n)]


def test_random_reward_is_bernoulli_p_whatever_the_response():
    rewards._generators.clear()
    scores = draw(rewards.random_reward, 4000, p=0.3, seed=5)
    assert set(scores) == {0.0, 1.0}
    assert abs(sum(scores) / len(scores) - 0.3) < 0.03
    rewards._generators.clear()
    assert draw(rewards.random_reward, 50, p=0.3, seed=5) == scores[:50]
    assert draw(rewards.random_reward, 10, p=0.0, seed=1) == [0.0] * 10
    with pytest.raises(ValueError, match="p must be in"):
        rewards.random_reward("ds", "x", "y", p=1.5)


def test_gaussian_reward_has_the_configured_mean_and_spread():
    scores = draw(rewards.gaussian_reward, 4000, mean=2.0, std=0.5, seed=3)
    mean = sum(scores) / len(scores)
    std = (sum((s - mean) ** 2 for s in scores) / len(scores)) ** 0.5
    assert abs(mean - 2.0) < 0.05 and abs(std - 0.5) < 0.05
