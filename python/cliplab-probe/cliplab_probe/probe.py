"""One probe per training run, trainer-agnostic: micro-batches come in as the loss sees them, and at
the end of each optimizer update the probe reduces them over data-parallel ranks, turns them into
cliplab's metrics, and (rank 0) appends one record to the run's stream. Adapters (trl.py, verl.py)
decide when updates end and hand the metrics to the trainer's own logger too."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from . import __version__, keys
from .core import (
    ClipSettings,
    Tally,
    TokenBatch,
    clip_metrics,
    logit_estimate_metrics,
    tally_clip_stats,
    tally_logit_estimate,
)
from .distributed import all_reduce_tally, world
from .stream import Mode, ProbeStream, echo_requested


@dataclass(frozen=True)
class ProbeOptions:
    """What the probe measures beyond the cheap clip statistics.

    exact_every: the exact first-order attribution on every N-th optimizer update (0: never). It costs
        about a forward+backward, a forward-mode pass and a forward per micro-batch, and one copy of the
        parameters: off by default, for large models keep N large.
    logit_estimate: the per-context logit-space estimate on every update (needs the logits' softmax
        statistics; the adapter recomputes them from the final hidden states: one LM-head projection).
    """

    exact_every: int = 0
    logit_estimate: bool = True

    def __post_init__(self) -> None:
        if self.exact_every < 0:
            raise ValueError(f"exact_every: expected 0 (off) or a positive number of updates, got {self.exact_every}")

    def wants_exact(self, update: int) -> bool:
        return self.exact_every > 0 and update % self.exact_every == 0


@dataclass
class ExactResult:
    tally: Tally  # per-token sums, all-reduced with the update's other sums
    totals: dict[str, float]  # replicated on every rank: delta_pred, delta
    seconds: float


@dataclass
class Probe:
    clip: ClipSettings
    temperature: float
    options: ProbeOptions
    stream: ProbeStream | None = None
    # ranks holding the same tokens (model-parallel copies of one data-parallel shard)
    replicas: int = 1
    _batches: list[TokenBatch] = field(default_factory=list, init=False)
    _tokens_total: float = field(default=0.0, init=False)
    _seconds: float = field(default=0.0, init=False)

    @classmethod
    def open(
        cls,
        clip: ClipSettings,
        temperature: float,
        options: ProbeOptions,
        path: str | os.PathLike[str] | None,
        run: dict[str, Any],
        mode: Mode = "new",
        replicas: int = 1,
        echo: bool | None = None,
    ) -> Probe:
        """A probe whose rank 0 writes `path` (None: metrics go to the trainer's logger only) and, with
        `echo` (None: as CLIPLAB_PROBE_STDOUT says), prints the same lines to stdout for the job's logs."""
        rank, size = world()
        header = {
            **run,
            "probe_version": __version__,
            "world_size": size,
            "clip": clip.as_params(),
            "temperature": temperature,
            "attribution": {
                "exact_every": options.exact_every,
                "exact_method": "forward-mode autodiff (torch.autograd.forward_ad) of log pi along s P grad H",
                "logit_estimate": options.logit_estimate,
            },
        }
        to_stdout = echo_requested() if echo is None else echo
        wanted = path is not None or to_stdout
        stream = ProbeStream(path, header, mode, sys.stdout if to_stdout else None) if wanted and rank == 0 else None
        return cls(clip=clip, temperature=temperature, options=options, stream=stream, replicas=replicas)

    def add(self, batch: TokenBatch) -> None:
        """A micro-batch of the current update (tensors detached; weights may be filled in until the update ends)."""
        self._batches.append(batch)

    def timed(self, seconds: float) -> None:
        """Time an adapter spent on the probe's behalf this update (counted in probe/time_s)."""
        self._seconds += seconds

    def finish_update(self, step: int, eta: float | None, exact: ExactResult | None) -> dict[str, float]:
        """Ends the update: every rank must call it. Returns the metrics (same on every rank); rank 0 writes them.
        eta: the update's effective SGD step ||d theta|| / ||g|| (None: no logit-space estimate)."""
        started = time.perf_counter()
        tally = Tally()
        estimate = self.options.logit_estimate and eta is not None
        for b in self._batches:
            tally.merge(tally_clip_stats(b, self.clip))
            if estimate and b.sq_term is not None and b.agg is not None:
                tally.merge(tally_logit_estimate(b, self.clip, self.temperature))
        self._batches = []
        if exact is not None:
            tally.merge(exact.tally)
        tally = all_reduce_tally(tally, self.replicas)
        metrics = clip_metrics(tally)
        if eta is not None:
            metrics.update(logit_estimate_metrics(tally, eta))
        if exact is not None:
            metrics.update(exact_metrics(tally, exact.totals))
            metrics[keys.PROBE_ATTRIBUTION_TIME] = exact.seconds
        self._tokens_total += tally.sums.get("tokens", 0.0)
        metrics[keys.TOKENS] = self._tokens_total
        metrics[keys.PROBE_TIME] = self._seconds + time.perf_counter() - started
        self._seconds = 0.0
        if self.stream is not None:
            self.stream.write_step(step, metrics)
        return metrics

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()


def exact_metrics(t: Tally, totals: dict[str, float]) -> dict[str, float]:
    """The exact total and its parts (the same decomposition as cliplab's local trainer):
    delta_pred = unclipped + low_drift + high_drift + dual_drift + momentum + other, where unclipped is
    what the tokens at their unclipped weights would have moved (sum_t w_t c_t)."""
    drifts = {
        keys.CLIP_LOW_DRIFT: t.sums["exact_low_drift"],
        keys.CLIP_HIGH_DRIFT: t.sums["exact_high_drift"],
        keys.CLIP_DUAL_DRIFT: t.sums["exact_dual_drift"],
    }
    tokens = t.sums["exact_pred"]  # sum_t applied_t c_t = unclipped + drifts
    return {
        keys.ENTROPY_DELTA_PRED: totals["delta_pred"],
        keys.ENTROPY_DELTA_PRED_UNCLIPPED: tokens - sum(drifts.values()),
        keys.ENTROPY_DELTA_PRED_MOMENTUM: totals["momentum"],
        keys.ENTROPY_DELTA_PRED_OTHER: totals["delta_pred"] - tokens - totals["momentum"],
        keys.ENTROPY_DELTA: totals["delta"],
        **drifts,
    }
