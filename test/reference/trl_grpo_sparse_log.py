"""Makes a real TRL GRPOTrainer console log that logs every 10 steps (issue 14's sparse TRL log).

A tiny random Llama with a character tokenizer is trained with TRL's own GRPOTrainer on CPU, with a
reward that pays for answering "7" in as few characters as possible. The policy learns to say "7"
and stop: entropy and completion length collapse, and once every completion of a group is the same,
`frac_reward_zero_std` climbs. The console output (the dicts TRL prints, tqdm bars on stderr) is
what `python train.py 2>&1 | tee train.log` keeps, so run it as

    .venv/bin/python test/reference/trl_grpo_sparse_log.py > test/fixtures/trl-sparse/grpo_console.log 2>&1

Nothing is downloaded: the model and tokenizer are built from configs here.
"""

from __future__ import annotations

import os
import string

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("WANDB_DISABLED", "true")

import torch
from datasets import Dataset
from tokenizers import Regex, Tokenizer, models, pre_tokenizers
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast
from trl import GRPOConfig, GRPOTrainer

MAX_COMPLETION = 48
STEPS = 490
LOG_EVERY = 10


def char_tokenizer() -> PreTrainedTokenizerFast:
    """One token per character of digits, letters, space and a few signs, plus pad/bos/eos."""
    chars = string.digits + string.ascii_lowercase + " +=?."
    vocab = {"<pad>": 0, "<bos>": 1, "<eos>": 2, "<unk>": 3}
    vocab.update({c: i + 4 for i, c in enumerate(chars)})
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Split(Regex("."), behavior="isolated")
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        pad_token="<pad>",
        bos_token="<bos>",
        eos_token="<eos>",
        unk_token="<unk>",
    )


def tiny_llama(vocab_size: int) -> LlamaForCausalLM:
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=vocab_size,
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        max_position_embeddings=128,
        tie_word_embeddings=True,
        pad_token_id=0,
        bos_token_id=1,
        eos_token_id=2,
    )
    return LlamaForCausalLM(config)


def seven_and_stop(completions: list[str], **_: object) -> list[float]:
    """1 for a completion that starts with "7", minus its length as a share of the longest allowed."""
    return [
        float(c.strip().startswith("7")) - len(c) / MAX_COMPLETION for c in completions
    ]


def main() -> None:
    tokenizer = char_tokenizer()
    model = tiny_llama(len(tokenizer))
    prompts = [f"{a}+{b}=?" for a in range(10) for b in range(10)]
    dataset = Dataset.from_dict({"prompt": prompts * 40})
    args = GRPOConfig(
        output_dir=os.environ.get("TRL_OUT", "/tmp/cliplab-trl-sparse"),
        max_steps=STEPS,
        logging_steps=LOG_EVERY,
        per_device_train_batch_size=8,
        num_generations=8,
        max_completion_length=MAX_COMPLETION,
        learning_rate=3e-3,
        num_iterations=2,
        beta=0.0,
        temperature=1.0,
        save_strategy="no",
        report_to="none",
        use_cpu=True,
        seed=0,
        bf16=False,
    )
    trainer = GRPOTrainer(
        model=model,
        reward_funcs=seven_and_stop,
        args=args,
        train_dataset=dataset,
        processing_class=tokenizer,
    )
    trainer.train()


if __name__ == "__main__":
    main()
