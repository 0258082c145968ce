"""Two data-parallel ranks (torch.distributed, gloo, CPU processes): rank 0 writes the totals over both
ranks' tokens, equal to one process seeing every token."""

import json
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from cliplab_probe import keys
from cliplab_probe.core import ClipSettings, TokenBatch
from cliplab_probe.probe import Probe, ProbeOptions

CLIP = ClipSettings(eps_low=0.2, eps_high=0.2, dual_clip=3.0)


def shard(rank: int, rows: int = 5, length: int = 7) -> TokenBatch:
    g = torch.Generator().manual_seed(100 + rank)
    logp = -torch.rand(rows, length, generator=g, dtype=torch.float64) * 3
    old = logp + 0.5 * torch.randn(rows, length, generator=g, dtype=torch.float64)
    adv = torch.randn(rows, 1, generator=g, dtype=torch.float64).expand(rows, length)
    mask = torch.rand(rows, length, generator=g) < 0.8  # ranks hold different numbers of tokens
    entropy = torch.rand(rows, length, generator=g, dtype=torch.float64) * 2
    return TokenBatch(ratio=(logp - old).exp(), logp=logp, old_logp=old, advantages=adv, mask=mask, entropy=entropy)


def worker(rank: int, port: int, path: str) -> None:
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=2)
    try:
        probe = Probe.open(CLIP, 1.0, ProbeOptions(logit_estimate=False), path, {"trainer": "test"})
        assert (probe.stream is not None) == (rank == 0)  # only rank 0 writes
        for step in (1, 2):
            probe.add(shard(rank + 10 * step))
            probe.finish_update(step, eta=None, exact=None)
        probe.close()
    finally:
        dist.destroy_process_group()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_rank_zero_writes_the_totals_of_both_ranks(tmp_path):
    path = tmp_path / "dp.jsonl"
    mp.start_processes(worker, args=(free_port(), str(path)), nprocs=2, join=True, start_method="spawn")
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert lines[0]["run"]["world_size"] == 2
    single = Probe(clip=CLIP, temperature=1.0, options=ProbeOptions(logit_estimate=False))
    for record in lines[1:]:
        step = record["step"]
        single.add(shard(0 + 10 * step))
        single.add(shard(1 + 10 * step))
        expected = single.finish_update(step, eta=None, exact=None)
        got = record["metrics"]
        for key in (
            keys.CLIP_LOW_FRAC,
            keys.CLIP_HIGH_FRAC,
            keys.CLIP_DUAL_FRAC,
            keys.ENTROPY,
            keys.KL_PPO,
            keys.RATIO_MIN,
            keys.RATIO_MAX,
            keys.CLIP_LOW_GAP,
            keys.CLIP_HIGH_GAP,
            keys.TOKENS,
        ):
            assert got[key] == pytest.approx(expected[key], rel=1e-12), key
