"""A TRL GRPO run with the probe attached, from the command line: what `cliplab submit --engine trl`
runs as a Ray job's entrypoint, and what anyone can run by hand.

    python -m cliplab_probe.trl_entry --config grpo.json --model DIR --dataset prompts.jsonl \\
        --reward random:0.5 --stream runs/probe.jsonl [--stdout]

--config: GRPOConfig keyword arguments as a JSON object (a file, or the JSON text itself), or the
    document `cliplab export-config RUN --to trl --json` prints (its "grpo_config").
--model: a causal LM folder saved with save_pretrained, with its tokenizer.
--dataset: JSON lines (or a JSON array) of {"prompt": ..., "answer": ...}; "answer" is needed by the
    verifier reward only. Other columns reach the reward function as TRL passes them.
--reward: random:P (1 with probability P, whatever the response: the random-reward control),
    gaussian:MEAN:STD, or verifier (1 when the completion's answer equals the row's "answer").
--stream / --stdout: where the probe writes its records (a file, the process's stdout behind the
    probe's prefix for the job's logs, or both).

On a machine without CUDA, bf16 is off unless the config sets it (GRPOConfig turns it on by default);
tqdm bars are off unless asked for (their carriage returns make one endless line of a job's log), and
report_to is "none" unless the config names loggers."""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

RewardFn = Callable[..., list[float]]
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


# --- rewards --------------------------------------------------------------------------------------
def random_reward(p: float, seed: int) -> RewardFn:
    """1 with probability p, independent of the response (the paper's random-reward setting)."""
    rng = random.Random(seed)

    def random_reward(completions: list[Any], **_: Any) -> list[float]:
        return [float(rng.random() < p) for _ in completions]

    return random_reward


def gaussian_reward(mean: float, std: float, seed: int) -> RewardFn:
    rng = random.Random(seed)

    def gaussian_reward(completions: list[Any], **_: Any) -> list[float]:
        return [rng.gauss(mean, std) for _ in completions]

    return gaussian_reward


def completion_text(completion: Any) -> str:
    """A plain completion is a string; a conversational one a list of messages (the last one answers)."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, list) and completion and isinstance(completion[-1], dict):
        return str(completion[-1].get("content", ""))
    return str(completion)


def is_correct(completion: str, answer: Any) -> bool:
    """A numeric answer matches the first number in the completion; any other answer its first line."""
    expected = str(answer).strip()
    if NUMBER.fullmatch(expected):
        found = NUMBER.search(completion)
        return found is not None and math.isclose(float(found.group()), float(expected))
    first = completion.strip().splitlines()
    return bool(first) and first[0].strip() == expected


def verifier_reward() -> RewardFn:
    def verifier_reward(completions: list[Any], answer: list[Any] | None = None, **_: Any) -> list[float]:
        if answer is None:
            raise ValueError("--reward verifier: the dataset has no 'answer' column")
        return [float(is_correct(completion_text(c), a)) for c, a in zip(completions, answer, strict=True)]

    return verifier_reward


def parse_reward(text: str, seed: int) -> RewardFn:
    kind, _, rest = text.partition(":")
    try:
        if kind == "random":
            p = float(rest)
            if not 0 <= p <= 1:
                raise ValueError
            return random_reward(p, seed)
        if kind == "gaussian":
            mean, std = (float(v) for v in rest.split(":"))
            return gaussian_reward(mean, std, seed)
    except ValueError:
        pass
    if text == "verifier":
        return verifier_reward()
    raise SystemExit(f"--reward: expected random:P (0 <= P <= 1), gaussian:MEAN:STD or verifier, got {text!r}")


# --- inputs ---------------------------------------------------------------------------------------
def load_config(text: str) -> dict[str, Any]:
    """GRPOConfig kwargs from a JSON file or JSON text; the export document's "grpo_config" is unwrapped."""
    source = text if text.lstrip().startswith("{") else Path(text).read_text()
    try:
        value = json.loads(source)
    except json.JSONDecodeError as err:
        raise SystemExit(f"--config: not valid JSON ({err})") from err
    if isinstance(value, dict) and isinstance(value.get("grpo_config"), dict):
        value = value["grpo_config"]
    if not isinstance(value, dict):
        raise SystemExit("--config: expected a JSON object of GRPOConfig keyword arguments")
    return value


def load_rows(path: Path) -> list[dict[str, Any]]:
    """JSON lines or one JSON array of objects, each with a "prompt"."""
    text = path.read_text()
    rows: list[Any]
    try:
        if text.lstrip().startswith("["):
            rows = list(json.loads(text))
        else:
            rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    except json.JSONDecodeError as err:
        raise SystemExit(f"--dataset {path}: not JSON lines or a JSON array ({err})") from err
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or "prompt" not in row:
            raise SystemExit(f'--dataset {path}: row {i + 1} has no "prompt"')
    if not rows:
        raise SystemExit(f"--dataset {path}: no rows")
    return [dict(row) for row in rows]


def grpo_settings(config: dict[str, Any], args: argparse.Namespace, cuda: bool) -> dict[str, Any]:
    settings = dict(config)
    if args.output_dir is not None:
        settings["output_dir"] = args.output_dir
    settings.setdefault("output_dir", "cliplab-grpo")
    settings.setdefault("report_to", "none")
    settings.setdefault("disable_tqdm", True)
    if not cuda:
        settings.setdefault("bf16", False)
    return settings


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m cliplab_probe.trl_entry", description="A TRL GRPO run with cliplab-probe attached."
    )
    parser.add_argument("--config", required=True, help="GRPOConfig kwargs: a JSON file or JSON text")
    parser.add_argument("--model", required=True, type=Path, help="a save_pretrained folder (model and tokenizer)")
    parser.add_argument("--dataset", required=True, type=Path, help='JSON lines of {"prompt": ..., "answer": ...}')
    parser.add_argument("--reward", default="random:0.5", help="random:P, gaussian:MEAN:STD or verifier")
    parser.add_argument("--stream", default=None, help="the probe's JSONL stream file")
    parser.add_argument("--stdout", action="store_true", help="also print the stream's lines for the job's logs")
    parser.add_argument("--name", default=None, help="the run's name in the stream header")
    parser.add_argument("--exact-every", type=int, default=0, help="exact attribution every N updates (0: off)")
    parser.add_argument("--output-dir", default=None, help="overrides the config's output_dir")
    args = parser.parse_args(argv)
    if args.stream is None and not args.stdout:
        parser.error("expected --stream PATH, --stdout, or both: the probe needs somewhere to write")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    config = load_config(args.config)
    rows = load_rows(args.dataset)
    if not args.model.is_dir():
        raise SystemExit(f"--model {args.model}: not a folder (expected one saved with save_pretrained)")
    # Heavy imports after the arguments are checked, so a bad command fails in a second.
    import torch
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import GRPOConfig, GRPOTrainer

    from .trl import attach_probe

    settings = grpo_settings(config, args, torch.cuda.is_available())
    grpo = GRPOConfig(**settings)
    trainer = GRPOTrainer(
        model=AutoModelForCausalLM.from_pretrained(args.model),
        reward_funcs=parse_reward(args.reward, grpo.seed),
        args=grpo,
        train_dataset=Dataset.from_list(rows),
        processing_class=AutoTokenizer.from_pretrained(args.model),
    )
    attach_probe(trainer, args.stream, exact_every=args.exact_every, name=args.name, echo=args.stdout)
    trainer.train()
    return 0


if __name__ == "__main__":
    sys.exit(main())
