"""The command-line TRL run (`python -m cliplab_probe.trl_entry`, a Ray job's entrypoint): a real
GRPOTrainer run from a saved tiny model and a JSON-lines dataset, whose probe records reach both the
stream file and stdout (behind the prefix a job's log is searched for), and its inputs checked."""

import json
from pathlib import Path

import pytest
from tiny_models import tiny_llama
from trl_run import SYMBOLS, char_tokenizer

from cliplab_probe import trl_entry
from cliplab_probe.stream import ECHO_PREFIX

CONFIG = {
    "max_steps": 4,
    "seed": 3,
    "logging_steps": 1,
    "num_generations": 4,
    "per_device_train_batch_size": 8,
    "steps_per_generation": 2,
    "num_iterations": 2,
    "loss_type": "dapo",
    "epsilon": 0.2,
    "epsilon_high": 0.28,
    "learning_rate": 0.3,
    "optim": "sgd",
    "max_grad_norm": 1.0,
    "beta": 0.0,
    "max_completion_length": 8,
    "save_strategy": "no",
}


@pytest.fixture(scope="module")
def assets(tmp_path_factory):
    root = tmp_path_factory.mktemp("entry")
    tiny_llama(vocab=len(SYMBOLS) + 3).save_pretrained(root / "model")
    char_tokenizer().save_pretrained(root / "model")
    rows = [{"prompt": f"{a}+{a}=", "answer": str(2 * a)} for a in range(32)]
    (root / "prompts.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    # The export document's form: the kwargs sit under "grpo_config".
    (root / "grpo.json").write_text(json.dumps({"grpo_config": CONFIG, "gaps": []}))
    return root


def test_a_run_writes_the_same_records_to_its_stream_and_its_stdout(assets, tmp_path, capsys):
    stream = tmp_path / "probe.jsonl"
    args = ["--config", str(assets / "grpo.json"), "--model", str(assets / "model")]
    args += ["--dataset", str(assets / "prompts.jsonl"), "--reward", "random:0.5", "--name", "entry test"]
    args += ["--stream", str(stream), "--stdout", "--output-dir", str(tmp_path / "out")]
    assert trl_entry.main(args) == 0
    in_file = stream.read_text().splitlines()
    echoed = [line[len(ECHO_PREFIX) :] for line in capsys.readouterr().out.splitlines() if line.startswith(ECHO_PREFIX)]
    assert echoed == in_file
    header, *steps = (json.loads(line) for line in in_file)
    assert header["run"]["name"] == "entry test"
    assert header["run"]["clip"] == {"clip_ratio_low": 0.2, "clip_ratio_high": 0.28, "clip_ratio_c": None}
    assert header["run"]["params"]["seed"] == 3
    assert [r["step"] for r in steps] == [1, 2, 3, 4]
    assert all("clip/low_frac" in r["metrics"] and "clip/high_frac" in r["metrics"] for r in steps)


def test_rewards_follow_the_cliplab_config():
    draws = trl_entry.parse_reward("random:0.25", seed=1)(["x"] * 4000)
    assert set(draws) == {0.0, 1.0} and abs(sum(draws) / 4000 - 0.25) < 0.03
    assert trl_entry.parse_reward("random:0.25", seed=1)(["x"] * 50) == draws[:50]  # seeded
    gauss = trl_entry.parse_reward("gaussian:1:0.5", seed=2)(["x"] * 4000)
    assert abs(sum(gauss) / 4000 - 1) < 0.05
    verify = trl_entry.parse_reward("verifier", seed=0)
    assert verify(["12", " 12 ", "13", "x12y", "", "1.0"], answer=["12", "12", "12", "12", "12", "1"]) == [
        1.0,
        1.0,
        0.0,
        1.0,
        0.0,
        1.0,
    ]
    assert verify([[{"role": "assistant", "content": "yes"}]], answer=["yes"]) == [1.0]
    with pytest.raises(ValueError, match="no 'answer' column"):
        verify(["1"])
    for bad in ("random:2", "random:x", "gaussian:1", "bernoulli"):
        with pytest.raises(SystemExit, match="--reward"):
            trl_entry.parse_reward(bad, seed=0)


def test_bad_inputs_are_named(tmp_path):
    with pytest.raises(SystemExit, match="--config: not valid JSON"):
        trl_entry.load_config("{nope")
    with pytest.raises(SystemExit, match="--config: expected a JSON object"):
        trl_entry.load_config(str(_write(tmp_path / "c.json", "[1]")))
    assert trl_entry.load_config('{"epsilon": 0.1}') == {"epsilon": 0.1}
    with pytest.raises(SystemExit, match='row 2 has no "prompt"'):
        trl_entry.load_rows(_write(tmp_path / "d.jsonl", '{"prompt": "a"}\n{"question": "b"}\n'))
    with pytest.raises(SystemExit, match="no rows"):
        trl_entry.load_rows(_write(tmp_path / "e.jsonl", "\n"))
    assert trl_entry.load_rows(_write(tmp_path / "f.json", '[{"prompt": "a"}]')) == [{"prompt": "a"}]
    with pytest.raises(SystemExit):
        trl_entry.parse_args(["--config", "{}", "--model", "m", "--dataset", "d"])  # no stream, no stdout


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
