"""The probe's stream: one JSONL file per run that cliplab imports and follows live
(`cliplab import --follow FILE`). The first line describes the run:

    {"cliplab_probe": 1, "run": {"trainer": "trl", "clip": {...}, "params": {...}, ...}}

then one line per optimizer update:

    {"step": 12, "time": 34.5, "metrics": {"clip/low_frac": 0.01, ...}}

Each line is written with a single append (O_APPEND, one os.write of the whole line), so a reader never
sees a line from two writers interleaved and a half-written line has no newline yet (cliplab waits for
it). Non-finite numbers are left out of a record rather than written as invalid JSON."""

from __future__ import annotations

import json
import math
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

FORMAT_VERSION = 1
Mode = Literal["new", "overwrite", "append"]


def finite_metrics(metrics: dict[str, float]) -> dict[str, float]:
    return {k: float(v) for k, v in metrics.items() if isinstance(v, (int, float)) and math.isfinite(v)}


class ProbeStream:
    """Appends the run's records to `path` (call on rank 0 only).

    mode "new" refuses a file that already has content (one file per run); "overwrite" starts it
    again; "append" continues a resumed run's file (its first line must be a probe header)."""

    def __init__(self, path: str | os.PathLike[str], run: dict[str, Any], mode: Mode = "new") -> None:
        self.path = Path(path)
        self.started = time.monotonic()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        has_content = self.path.exists() and self.path.stat().st_size > 0
        if has_content and mode == "new":
            raise FileExistsError(
                f"{self.path}: already holds a run; pass a new path, or mode='overwrite' / 'append' (resuming)"
            )
        if has_content and mode == "append":
            with self.path.open("rb") as f:
                first = f.readline()
            if b'"cliplab_probe"' not in first:
                raise ValueError(f"{self.path}: cannot append, its first line is not a cliplab-probe header")
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (os.O_TRUNC if mode == "overwrite" else 0)
        self._fd = os.open(self.path, flags, 0o644)
        if not (has_content and mode == "append"):
            header = {**run, "started": datetime.now(timezone.utc).isoformat(timespec="seconds")}
            self._append({"cliplab_probe": FORMAT_VERSION, "run": header})

    def write_step(self, step: int, metrics: dict[str, float]) -> None:
        record = {
            "step": int(step),
            "time": round(time.monotonic() - self.started, 3),
            "metrics": finite_metrics(metrics),
        }
        self._append(record)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def _append(self, record: dict[str, Any]) -> None:
        if self._fd < 0:
            raise ValueError(f"{self.path}: the stream is closed")
        data = (json.dumps(record, allow_nan=False, separators=(",", ":")) + "\n").encode()
        view = memoryview(data)
        while view:  # os.write may write less than asked (a signal, a full disk): write the rest
            view = view[os.write(self._fd, view) :]

    def __enter__(self) -> ProbeStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
