"""Reads a TensorBoard log folder with TensorBoard's own EventAccumulator and prints what it found.

    python read_tfevents.py LOGDIR  ->  {"<run folder>": {"scalars": {tag: [[step, value, wall_time], ...]},
                                                         "text": {tag: ["...", ...]}}}

Every folder that directly holds an events file is a run, as `tensorboard --logdir` shows them.
Values are printed with repr's round-trip precision; NaN as null (JSON has no NaN).
"""

from __future__ import annotations

import json
import math
import os
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.util import tensor_util

KEEP_ALL = {
    "scalars": 0,
    "tensors": 0,
    "histograms": 0,
    "images": 0,
    "audio": 0,
    "compressedHistograms": 0,
}


def read_run(folder: str) -> dict[str, dict[str, list[object]]]:
    acc = EventAccumulator(folder, size_guidance=KEEP_ALL)
    acc.Reload()
    tags = acc.Tags()
    scalars = {
        t: [
            [e.step, None if math.isnan(e.value) else e.value, e.wall_time]
            for e in acc.Scalars(t)
        ]
        for t in tags["scalars"]
    }
    text = {
        t: [
            tensor_util.make_ndarray(e.tensor_proto).item().decode("utf-8")
            for e in acc.Tensors(t)
        ]
        for t in tags["tensors"]
    }
    return {"scalars": scalars, "text": text}


def main(logdir: str) -> None:
    runs: dict[str, object] = {}
    for folder, _dirs, files in sorted(os.walk(logdir)):
        if any("tfevents" in f for f in files):
            runs[os.path.relpath(folder, logdir)] = read_run(folder)
    print(json.dumps(runs, allow_nan=False))


if __name__ == "__main__":
    main(sys.argv[1])
