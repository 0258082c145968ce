"""cliplab's random rewards as verl custom reward functions, for the random-reward control on verl
(`cliplab submit --engine verl` with reward bernoulli or gaussian):

    reward.custom_reward_function.path=pkg://cliplab_probe.rewards
    reward.custom_reward_function.name=random_reward
    +reward.custom_reward_function.reward_kwargs.p=0.5
    +reward.custom_reward_function.reward_kwargs.seed=1

verl calls the function once per response with (data_source, solution_str, ground_truth, extra_info)
plus reward_kwargs. The score ignores the response, as the paper's random-reward setting asks. Each
reward worker process draws from its own generator seeded with `seed`, so the draws are reproducible
per process but their order across verl's parallel reward workers is not."""

from __future__ import annotations

import random
from typing import Any

_generators: dict[tuple[str, int], random.Random] = {}


def _generator(kind: str, seed: int) -> random.Random:
    key = (kind, int(seed))
    if key not in _generators:
        _generators[key] = random.Random(f"{kind}:{seed}")
    return _generators[key]


def random_reward(
    data_source: Any, solution_str: Any, ground_truth: Any, extra_info: Any = None, p: float = 0.5, seed: int = 0
) -> float:
    """1.0 with probability p, whatever the response."""
    if not 0 <= p <= 1:
        raise ValueError(f"random_reward: p must be in [0, 1], got {p}")
    return float(_generator("bernoulli", seed).random() < p)


def gaussian_reward(
    data_source: Any,
    solution_str: Any,
    ground_truth: Any,
    extra_info: Any = None,
    mean: float = 0.0,
    std: float = 1.0,
    seed: int = 0,
) -> float:
    """A draw from N(mean, std^2), whatever the response."""
    return _generator("gaussian", seed).gauss(mean, std)
