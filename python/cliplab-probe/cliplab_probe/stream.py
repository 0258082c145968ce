"""The probe's stream: one JSONL file per run that cliplab imports and follows live
(`cliplab import --follow FILE`). The first line describes the run:

    {"cliplab_probe": 1, "run": {"trainer": "trl", "clip": {...}, "params": {...}, ...}}

then one line per optimizer update:

    {"step": 12, "time": 34.5, "metrics": {"clip/low_frac": 0.01, ...}}

Each line is written with a single append (O_APPEND, one os.write of the whole line), so a reader never
sees a line from two writers interleaved and a half-written line has no newline yet (cliplab waits for
it). Non-finite numbers are left out of a record rather than written as invalid JSON.

Echo: the same lines can also go to the process's stdout, each behind ECHO_PREFIX, so a run on a
cluster whose storage cliplab cannot read still reaches it through the job's logs (a Ray job's logs
are its driver's stdout, where Ray also forwards its workers' stdout behind a "(Actor pid=...)" tag;
cliplab finds the prefix anywhere in a line). CLIPLAB_PROBE_STDOUT=1 switches it on in any adapter."""

from __future__ import annotations

import json
import math
import os
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, TextIO

FORMAT_VERSION = 1
Mode = Literal["new", "overwrite", "append"]
# What marks the stream's lines inside a log full of other output.
ECHO_PREFIX = "[cliplab-probe] "
ECHO_ENV = "CLIPLAB_PROBE_STDOUT"


def echo_requested() -> bool:
    """Whether CLIPLAB_PROBE_STDOUT asks for the stream on stdout (1, true, yes, on)."""
    return os.environ.get(ECHO_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def finite_metrics(metrics: dict[str, float]) -> dict[str, float]:
    return {k: float(v) for k, v in metrics.items() if isinstance(v, (int, float)) and math.isfinite(v)}


class ProbeStream:
    """Appends the run's records to `path` and/or echoes them to `echo` (call on rank 0 only).

    mode "new" refuses a file that already has content (one file per run); "overwrite" starts it
    again; "append" continues a resumed run's file (its first line must be a probe header). The echo
    always starts with the header: a resumed job's log is a new log."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None,
        run: dict[str, Any],
        mode: Mode = "new",
        echo: TextIO | None = None,
    ) -> None:
        if path is None and echo is None:
            raise ValueError("ProbeStream: expected a path, an echo stream, or both")
        self.started = time.monotonic()
        self.echo = echo
        header = {"cliplab_probe": FORMAT_VERSION, "run": {**run, "started": _now()}}
        self._fd = -1
        self.path: Path | None = None if path is None else Path(path)
        if self.path is not None:
            self._open(self.path, header, mode)
        self._echo(header)

    def _open(self, path: Path, header: dict[str, Any], mode: Mode) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        has_content = path.exists() and path.stat().st_size > 0
        if has_content and mode == "new":
            raise FileExistsError(
                f"{path}: already holds a run; pass a new path, or mode='overwrite' / 'append' (resuming)"
            )
        if has_content and mode == "append":
            with path.open("rb") as f:
                first = f.readline()
            if b'"cliplab_probe"' not in first:
                raise ValueError(f"{path}: cannot append, its first line is not a cliplab-probe header")
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (os.O_TRUNC if mode == "overwrite" else 0)
        self._fd = os.open(path, flags, 0o644)
        if not (has_content and mode == "append"):
            self._append(_encode(header))

    def write_step(self, step: int, metrics: dict[str, float]) -> None:
        record = {
            "step": int(step),
            "time": round(time.monotonic() - self.started, 3),
            "metrics": finite_metrics(metrics),
        }
        if self.path is not None:
            self._append(_encode(record))
        self._echo(record)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
        self._fd = -1
        self.echo = None

    def _append(self, line: str) -> None:
        if self._fd < 0:
            raise ValueError(f"{self.path}: the stream is closed")
        view = memoryview(line.encode())
        while view:  # os.write may write less than asked (a signal, a full disk): write the rest
            view = view[os.write(self._fd, view) :]

    def _echo(self, record: dict[str, Any]) -> None:
        if self.echo is None:
            return
        # Flush what the trainer printed first, then the whole line in one write, so the prefix
        # starts a line of its own in the log.
        self.echo.flush()
        self.echo.write(ECHO_PREFIX + _encode(record))
        self.echo.flush()

    def __enter__(self) -> ProbeStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _encode(record: dict[str, Any]) -> str:
    return json.dumps(record, allow_nan=False, separators=(",", ":")) + "\n"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
