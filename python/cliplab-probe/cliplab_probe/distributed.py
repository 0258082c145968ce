"""Data-parallel reduction of an update's tally, so rank 0 writes totals over every rank's tokens.
Uses torch.distributed when a process group is initialised (DDP, FSDP, accelerate, verl's workers);
a single process reduces to itself."""

from __future__ import annotations

import torch
import torch.distributed as dist

from .core import Tally


def world() -> tuple[int, int]:
    """(rank, world size); (0, 1) without an initialised process group."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def _device() -> torch.device:
    # NCCL reduces CUDA tensors only; gloo reduces CPU tensors.
    if dist.is_initialized() and dist.get_backend() == "nccl":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def all_reduce_tally(t: Tally, replicas: int = 1) -> Tally:
    """Sums, minima and maxima over all ranks (every rank must call this with the same keys, in step).
    `replicas`: ranks that hold the same tokens (model-parallel copies of one data-parallel shard);
    sums are divided by it so each token counts once."""
    _, size = world()
    if size == 1:
        return t
    names = sorted(t.sums), sorted(t.mins), sorted(t.maxs)
    device = _device()
    sums = torch.tensor([t.sums[k] for k in names[0]], dtype=torch.float64, device=device)
    # Minima ride along as negated maxima: one MAX collective for both extremes.
    extremes = torch.tensor(
        [-t.mins[k] for k in names[1]] + [t.maxs[k] for k in names[2]], dtype=torch.float64, device=device
    )
    dist.all_reduce(sums, op=dist.ReduceOp.SUM)
    dist.all_reduce(extremes, op=dist.ReduceOp.MAX)
    out = Tally()
    out.sums = {k: v / replicas for k, v in zip(names[0], sums.tolist(), strict=True)}
    values = extremes.tolist()
    out.mins = {k: -v for k, v in zip(names[1], values[: len(names[1])], strict=True)}
    out.maxs = dict(zip(names[2], values[len(names[1]) :], strict=True))
    return out


def all_reduce_tensors(tensors: list[torch.Tensor]) -> None:
    """Sums a list of tensors over all ranks, in place (the entropy gradient of the exact attribution)."""
    if world()[1] == 1:
        return
    for x in tensors:
        dist.all_reduce(x, op=dist.ReduceOp.SUM)
