"""Writes test/fixtures/probe/trl-grpo-probe.jsonl: the stream of a real TRL GRPOTrainer run (tiny
random Llama, character tokenizer, arithmetic prompts, random rewards, 12 updates, two per rollout
slice) with cliplab-probe attached and the exact attribution on every second update.

    .venv/bin/python test/reference/probe_fixture.py
"""

import sys
import tempfile
from pathlib import Path

root = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(root / "python" / "cliplab-probe" / "tests"))

from cliplab_probe.trl import attach_probe
from trl_run import make_trainer

out = root / "test" / "fixtures" / "probe" / "trl-grpo-probe.jsonl"
with tempfile.TemporaryDirectory() as tmp:
    trainer = make_trainer(Path(tmp) / "trl-grpo-probe", steps=12, learning_rate=0.05)
    attach_probe(trainer, out, exact_every=2, mode="overwrite", name="trl-grpo-probe")
    trainer.train()
print(f"wrote {out}")
