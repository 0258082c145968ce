"""The stream: one header, one complete line per update, safe to read while it is written."""

import io
import json
import threading

import pytest

from cliplab_probe.stream import ECHO_PREFIX, ProbeStream


def read(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_header_then_one_record_per_step_without_non_finite_values(tmp_path):
    path = tmp_path / "run.jsonl"
    with ProbeStream(path, {"trainer": "test", "clip": {"clip_ratio_low": 0.2}}) as s:
        s.write_step(1, {"clip/low_frac": 0.25, "entropy": float("nan"), "ratio/max": float("inf")})
        s.write_step(2, {"clip/low_frac": 0.5})
    lines = read(path)
    assert lines[0]["cliplab_probe"] == 1 and lines[0]["run"]["trainer"] == "test"
    assert [r["step"] for r in lines[1:]] == [1, 2]
    assert lines[1]["metrics"] == {"clip/low_frac": 0.25}


def test_one_file_per_run_unless_overwriting_or_resuming(tmp_path):
    path = tmp_path / "run.jsonl"
    ProbeStream(path, {"trainer": "a"}).close()
    with pytest.raises(FileExistsError, match="already holds a run"):
        ProbeStream(path, {"trainer": "b"})
    with ProbeStream(path, {"trainer": "a"}, mode="append") as s:
        s.write_step(3, {"tokens": 1.0})
    assert [list(r) for r in read(path)] == [["cliplab_probe", "run"], ["step", "time", "metrics"]]
    ProbeStream(path, {"trainer": "c"}, mode="overwrite").close()
    assert read(path)[0]["run"]["trainer"] == "c"
    (tmp_path / "other.jsonl").write_text('{"step": 1}\n')
    with pytest.raises(ValueError, match="not a cliplab-probe header"):
        ProbeStream(tmp_path / "other.jsonl", {}, mode="append")


def test_a_reader_never_sees_a_broken_line(tmp_path):
    path = tmp_path / "run.jsonl"
    stream = ProbeStream(path, {"trainer": "test"})
    big = {f"key/{i}": i * 0.5 for i in range(400)}  # lines of several kilobytes
    done = threading.Event()
    seen: list[int] = []

    def reader():
        while not done.is_set() or len(seen) < 200:
            text = path.read_text()
            complete = text[: text.rfind("\n") + 1]  # a follower waits for the newline
            seen[:] = [json.loads(line).get("step", 0) for line in complete.splitlines()]

    thread = threading.Thread(target=reader)
    thread.start()
    for step in range(1, 201):
        stream.write_step(step, big)
    done.set()
    thread.join(timeout=30)
    stream.close()
    assert seen[-1] == 200


def test_the_echo_prints_every_line_behind_the_prefix_even_without_a_file(tmp_path):
    out = io.StringIO()
    with ProbeStream(None, {"trainer": "test"}, echo=out) as s:
        s.write_step(1, {"clip/low_frac": 0.5})
    lines = out.getvalue().splitlines()
    assert all(line.startswith(ECHO_PREFIX) for line in lines)
    records = [json.loads(line[len(ECHO_PREFIX) :]) for line in lines]
    assert records[0]["run"]["trainer"] == "test" and records[1]["metrics"] == {"clip/low_frac": 0.5}
    # A resumed run appends no second header to its file, but its new log starts with one.
    path = tmp_path / "run.jsonl"
    ProbeStream(path, {"trainer": "a"}).close()
    resumed = io.StringIO()
    ProbeStream(path, {"trainer": "a"}, mode="append", echo=resumed).close()
    assert len(read(path)) == 1 and '"cliplab_probe"' in resumed.getvalue()
    with pytest.raises(ValueError, match="a path, an echo stream, or both"):
        ProbeStream(None, {})
