"""The probe's overhead on the test model: the same real TRL GRPOTrainer run (tests/trl_run.py) without
the probe, with its cheap metrics (clip statistics + logit-space estimate), and with the exact
attribution on every update, interleaved over several repeats; prints each variant's median step time
and its ratio to the run without the probe, measured in the same process. Not part of CI.

    nice -n 5 .venv/bin/python python/cliplab-probe/bench/overhead.py [--steps 12] [--repeats 3]

Step time is TRL's own `step_time` (the optimizer step's forward/backward work, excluding generation)
and the whole training loop's wall time per step (generation included). On a shared machine the
numbers are noisy: compare the ratios, which come from one run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from trl_run import make_trainer

from cliplab_probe import keys
from cliplab_probe.trl import attach_probe

VARIANTS = {"no probe": None, "cheap metrics": 0, "exact every update": 1}


def one_run(variant: int | None, steps: int, root: Path) -> dict[str, float]:
    trainer = make_trainer(root / f"run-{time.monotonic_ns()}", steps=steps, learning_rate=0.05)
    if variant is not None:
        attach_probe(trainer, None, exact_every=variant)
    started = time.perf_counter()
    trainer.train()
    wall = (time.perf_counter() - started) / steps
    logs = [h for h in trainer.state.log_history if "step_time" in h]
    probe = [h.get(keys.PROBE_TIME, 0.0) for h in logs]
    attribution = [h.get(keys.PROBE_ATTRIBUTION_TIME, 0.0) for h in logs]
    return {
        "step_time": statistics.median(h["step_time"] for h in logs),
        "wall": wall,
        "probe_time": statistics.median(probe),
        "attribution_time": statistics.median(attribution),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, list[dict[str, float]]] = {name: [] for name in VARIANTS}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeats):
            for name, variant in VARIANTS.items():  # interleaved: load changes hit every variant alike
                results[name].append(one_run(variant, args.steps, Path(tmp)))
    base = {k: statistics.median(r[k] for r in results["no probe"]) for k in ("step_time", "wall")}
    print(
        f"{'variant':<20} {'step_time s':>12} {'ratio':>7} {'wall/step s':>12} {'ratio':>7} "
        f"{'probe s':>9} {'attribution s':>14}"
    )
    for name, runs in results.items():
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        print(
            f"{name:<20} {med['step_time']:>12.4f} {med['step_time'] / base['step_time']:>7.3f} "
            f"{med['wall']:>12.4f} {med['wall'] / base['wall']:>7.3f} {med['probe_time']:>9.4f} "
            f"{med['attribution_time']:>14.4f}"
        )


if __name__ == "__main__":
    main()
