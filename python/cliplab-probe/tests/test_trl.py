"""The probe inside a real TRL GRPOTrainer run: it changes nothing TRL trains, its clip fractions are
TRL's own clip_ratio/* figures, its metrics reach the trainer's log, and its stream is well formed."""

import json
import math
import shutil
import subprocess
from pathlib import Path

import pytest
import torch
from trl_run import make_trainer

from cliplab_probe import keys
from cliplab_probe.trl import attach_probe


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("trl")
    plain = make_trainer(root / "plain")
    plain.train()
    probed = make_trainer(root / "probed")
    stream = root / "probe.jsonl"
    attach_probe(probed, stream, exact_every=2)
    probed.train()
    lines = [json.loads(line) for line in stream.read_text().splitlines()]
    return plain, probed, lines


def train_logs(trainer):
    return [h for h in trainer.state.log_history if "loss" in h and "train_runtime" not in h]


def test_the_probe_changes_nothing_trl_trains(runs):
    plain, probed, _ = runs
    assert [h["loss"] for h in train_logs(plain)] == [h["loss"] for h in train_logs(probed)]
    for (name, a), (_, b) in zip(plain.model.named_parameters(), probed.model.named_parameters(), strict=True):
        assert torch.equal(a, b), name


def test_clip_fractions_are_trls_own(runs):
    _, probed, lines = runs
    records = {r["step"]: r["metrics"] for r in lines[1:]}
    logs = train_logs(probed)
    assert len(logs) == len(records) == 8
    clipped_steps = 0
    for h in logs:
        m = records[h["step"]]
        assert m[keys.CLIP_LOW_FRAC] == pytest.approx(h["clip_ratio/low_mean"], abs=1e-7)
        assert m[keys.CLIP_HIGH_FRAC] == pytest.approx(h["clip_ratio/high_mean"], abs=1e-7)
        assert m[keys.ENTROPY] == pytest.approx(h["entropy"], rel=1e-6)
        clipped_steps += m[keys.CLIP_LOW_FRAC] > 0 and m[keys.CLIP_HIGH_FRAC] > 0
    assert clipped_steps >= 2  # the run really clips on both sides


def test_metrics_reach_the_trainers_own_log(runs):
    _, probed, _ = runs
    for h in train_logs(probed):
        assert keys.CLIP_LOW_FRAC in h and keys.ENTROPY_DELTA_PRED_LOGIT in h and keys.TOKENS in h


def test_stream_header_and_exact_attribution(runs):
    lines = runs[2]
    header = lines[0]
    assert header["cliplab_probe"] == 1
    run = header["run"]
    assert run["trainer"] == "trl" and run["clip"] == {
        "clip_ratio_low": 0.2,
        "clip_ratio_high": 0.2,
        "clip_ratio_c": None,
    }
    assert run["params"]["num_iterations"] == 2 and run["attribution"]["exact_every"] == 2
    exact = [r["metrics"] for r in lines[1:] if r["step"] % 2 == 0]
    assert all(keys.ENTROPY_DELTA_PRED in m and keys.ENTROPY_DELTA in m for m in exact)
    assert not any(keys.ENTROPY_DELTA_PRED in r["metrics"] for r in lines[1:] if r["step"] % 2 == 1)
    parts = [
        keys.ENTROPY_DELTA_PRED_UNCLIPPED,
        keys.CLIP_LOW_DRIFT,
        keys.CLIP_HIGH_DRIFT,
        keys.CLIP_DUAL_DRIFT,
        keys.ENTROPY_DELTA_PRED_MOMENTUM,
        keys.ENTROPY_DELTA_PRED_OTHER,
    ]
    for m in exact:
        assert sum(m[k] for k in parts) == pytest.approx(m[keys.ENTROPY_DELTA_PRED])
        # Plain SGD, no KL: the step is -lr * s * g, so the tokens' weights (read from TRL's own loss
        # through dL/dA) and their c_t must account for the whole predicted change.
        assert m[keys.ENTROPY_DELTA_PRED_MOMENTUM] == 0
        assert abs(m[keys.ENTROPY_DELTA_PRED_OTHER]) <= 1e-3 * abs(m[keys.ENTROPY_DELTA_PRED]) + 1e-9
    assert any(m[keys.CLIP_LOW_DRIFT] != 0 for m in exact) and any(m[keys.CLIP_HIGH_DRIFT] != 0 for m in exact)
    tokens = [r["metrics"][keys.TOKENS] for r in lines[1:]]
    assert tokens == sorted(tokens) and all(math.isfinite(t) for t in tokens)


ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed: the cliplab CLI cannot run")
def test_cliplab_imports_the_stream_and_diagnoses_the_clip_balance(runs, tmp_path):
    """End to end: the stream this TRL run wrote, through the cliplab CLI a user types."""
    stream = Path(runs[1].args.output_dir).parent / "probe.jsonl"
    db = str(tmp_path / "lab.db")

    def cliplab(*argv):
        done = subprocess.run(
            ["node", str(ROOT / "bin" / "cliplab.js"), *argv, "--db", db],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=ROOT,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    imported = json.loads(cliplab("import", str(stream), "--json"))
    assert imported["format"] == "cliplab-probe"
    run_id = str(imported["run"]["id"])
    (diagnosis,) = json.loads(cliplab("diagnose", run_id, "--json"))["runs"]
    assert diagnosis["clip"]["attribution"] == "per-side"
    assert diagnosis["clip"]["drift"] is not None
    assert diagnosis["settings"]["clipLow"] == 0.2 and diagnosis["settings"]["clipHigh"] == 0.2
    assert diagnosis["theory"]["status"] == "ok"
    text = cliplab("diagnose", run_id)
    assert "Clip balance:" in text and "clip-low" in text and "Theory check" in text
