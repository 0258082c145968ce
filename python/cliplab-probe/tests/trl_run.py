"""A real TRL GRPOTrainer run on CPU: a tiny random Llama built from a config, a character tokenizer
built locally with the `tokenizers` library, arithmetic prompts and random rewards. Several updates
per rollout (num_iterations, steps_per_generation), so that the policy moves away from the rollout's
and clipping happens."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import torch
from datasets import Dataset
from tiny_models import tiny_llama
from tokenizers import Tokenizer, decoders, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast
from trl import GRPOConfig, GRPOTrainer

SYMBOLS = list("0123456789+=")


def char_tokenizer() -> PreTrainedTokenizerFast:
    vocab = {"<pad>": 0, "<bos>": 1, "<eos>": 2} | {c: i + 3 for i, c in enumerate(SYMBOLS)}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<pad>"))
    tok.pre_tokenizer = pre_tokenizers.Split("", behavior="isolated")
    tok.decoder = decoders.Fuse()
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", bos_token="<bos>", eos_token="<eos>")


def arithmetic_prompts(n: int = 64, seed: int = 0) -> Dataset:
    rng = random.Random(seed)
    return Dataset.from_dict({"prompt": [f"{rng.randint(0, 99)}+{rng.randint(0, 99)}=" for _ in range(n)]})


def make_trainer(output_dir: Path, steps: int = 8, **overrides: Any) -> GRPOTrainer:
    rng = random.Random(0)

    def random_reward(completions: list[str], **_: Any) -> list[float]:
        return [float(rng.random() < 0.5) for _ in completions]

    settings: dict[str, Any] = dict(
        output_dir=str(output_dir),
        per_device_train_batch_size=8,
        num_generations=4,
        max_completion_length=8,
        num_iterations=2,
        steps_per_generation=2,
        gradient_accumulation_steps=1,
        max_steps=steps,
        learning_rate=0.3,
        optim="sgd",
        max_grad_norm=1.0,
        lr_scheduler_type="constant",
        logging_steps=1,
        report_to=[],
        use_cpu=True,
        seed=0,
        save_strategy="no",
        beta=0.0,
        epsilon=0.2,
        temperature=1.0,
        disable_tqdm=True,
        bf16=False,  # float32 throughout, so comparisons can be exact
    )
    settings.update(overrides)
    torch.manual_seed(0)
    model = tiny_llama(vocab=len(SYMBOLS) + 3)
    return GRPOTrainer(
        model=model,
        reward_funcs=random_reward,
        args=GRPOConfig(**settings),
        train_dataset=arithmetic_prompts(),
        processing_class=char_tokenizer(),
    )
