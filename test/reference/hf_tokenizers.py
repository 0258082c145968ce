"""Small tokenizers trained at test time with the `tokenizers` library, in three styles real models
use: GPT-2's byte-level BPE, Llama 3's regex split + byte-level BPE with a BOS post-processor, and a
ChatML model's (SmolLM2 / Qwen) NFC + single-digit split + byte-level BPE. Each is saved the way
transformers saves a tokenizer, with a chat template of its family's format."""

from __future__ import annotations

import json
import random
from pathlib import Path

from tokenizers import (
    Regex,
    Tokenizer,
    decoders,
    models,
    normalizers,
    pre_tokenizers,
    processors,
    trainers,
)
from transformers import PreTrainedTokenizerFast

# Llama 3's pre-tokenization pattern (a published fact of its tokenizer.json).
LLAMA3_SPLIT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+"
)

LLAMA3_TEMPLATE = (
    "{{- bos_token }}\n"
    "{%- if messages[0]['role'] == 'system' %}\n"
    "    {%- set system = messages[0]['content'] | trim %}\n"
    "    {%- set messages = messages[1:] %}\n"
    "{%- else %}\n"
    "    {%- set system = '' %}\n"
    "{%- endif %}\n"
    "{{- '<|start_header_id|>system<|end_header_id|>\\n\\n' }}\n"
    "{{- 'Today Date: ' + strftime_now('%d %b %Y') + '\\n\\n' }}\n"
    "{{- system + '<|eot_id|>' }}\n"
    "{%- for message in messages %}\n"
    "    {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim"
    " + '<|eot_id|>' }}\n"
    "{%- endfor %}\n"
    "{%- if add_generation_prompt %}\n"
    "    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}\n"
    "{%- endif %}\n"
)

CHATML_TEMPLATE = (
    "{% for message in messages %}"
    "{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\\nYou are a careful assistant.<|im_end|>\\n' }}"
    "{% endif %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

WORDS = [
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "is",
    "it",
    "you",
    "that",
    "he",
    "was",
    "for",
    "on",
    "are",
    "with",
    "as",
    "his",
    "they",
    "be",
    "at",
    "one",
    "have",
    "this",
    "from",
    "or",
    "had",
    "by",
    "word",
    "but",
    "what",
    "some",
    "we",
    "can",
    "out",
    "other",
    "were",
    "all",
    "there",
    "when",
    "up",
    "use",
    "your",
    "how",
    "said",
    "an",
    "each",
    "she",
    "which",
    "do",
    "their",
    "time",
    "if",
    "will",
    "way",
    "about",
    "many",
    "then",
    "them",
    "write",
    "would",
    "like",
    "so",
    "these",
    "her",
    "long",
    "make",
    "number",
    "answer",
    "total",
    "apples",
    "costs",
    "dollars",
    "hours",
    "minutes",
    "natalia",
    "sold",
    "clips",
    "friends",
    "half",
    "altogether",
]
UNICODE = [
    "café",
    "naïve",
    "Übermaß",
    "日本語",
    "数学",
    "Ελληνικά",
    "😀",
    "🚀",
    "—",
    "…",
    "½",
    "€",
]


def corpus_lines(seed: int = 0, n: int = 3000) -> list[str]:
    """Text for training: words, numbers of every length, unicode, math markup and chat markup."""
    rng = random.Random(seed)
    lines = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(3, 14)):
            r = rng.random()
            if r < 0.6:
                w = rng.choice(WORDS)
                parts.append(w.capitalize() if rng.random() < 0.2 else w)
            elif r < 0.8:
                parts.append(str(rng.randint(0, 10 ** rng.randint(1, 7))))
            elif r < 0.88:
                parts.append(rng.choice(UNICODE))
            else:
                parts.append(
                    rng.choice(
                        [
                            "####",
                            "\\boxed{42}",
                            "$3.50",
                            "1,234",
                            "3/4",
                            "x^2",
                            "(a+b)",
                            "=",
                            "\n",
                        ]
                    )
                )
        lines.append(" ".join(parts))
    return lines


def _train(tok: Tokenizer, specials: list[str], vocab: int) -> None:
    trainer = trainers.BpeTrainer(
        vocab_size=vocab,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(corpus_lines(), trainer=trainer)


def build(style: str, vocab: int) -> tuple[Tokenizer, dict]:
    """The trained tokenizer and the keyword arguments of its PreTrainedTokenizerFast."""
    tok = Tokenizer(models.BPE())
    tok.decoder = decoders.ByteLevel()
    if style == "gpt2":
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tok.post_processor = processors.ByteLevel(trim_offsets=False)
        _train(tok, ["<|endoftext|>"], vocab)
        return tok, {"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>"}
    if style == "llama3":
        specials = [
            "<|begin_of_text|>",
            "<|end_of_text|>",
            "<|start_header_id|>",
            "<|end_header_id|>",
            "<|eot_id|>",
        ]
        tok.pre_tokenizer = pre_tokenizers.Sequence(
            [
                pre_tokenizers.Split(Regex(LLAMA3_SPLIT), behavior="isolated"),
                pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
            ]
        )
        _train(tok, specials, vocab)
        bos = tok.token_to_id("<|begin_of_text|>")
        tok.post_processor = processors.TemplateProcessing(
            single="<|begin_of_text|> $A",
            pair="<|begin_of_text|> $A <|begin_of_text|> $B",
            special_tokens=[("<|begin_of_text|>", bos)],
        )
        return tok, {
            "bos_token": "<|begin_of_text|>",
            "eos_token": "<|eot_id|>",
            "chat_template": LLAMA3_TEMPLATE,
        }
    if style == "chatml":
        specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
        tok.normalizer = normalizers.NFC()
        tok.pre_tokenizer = pre_tokenizers.Sequence(
            [
                pre_tokenizers.Digits(individual_digits=True),
                pre_tokenizers.ByteLevel(add_prefix_space=False),
            ]
        )
        _train(tok, specials, vocab)
        return tok, {
            "eos_token": "<|im_end|>",
            "pad_token": "<|endoftext|>",
            "chat_template": CHATML_TEMPLATE,
        }
    raise ValueError(f"unknown tokenizer style {style}")


def save(style: str, out: Path, vocab: int = 384) -> PreTrainedTokenizerFast:
    """Writes tokenizer.json and tokenizer_config.json (and chat_template.jinja) as transformers does."""
    tok, kwargs = build(style, vocab)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, **kwargs)
    fast.save_pretrained(str(out))
    if style == "llama3":
        # Older checkpoints keep the template inside tokenizer_config.json: cover that layout too.
        template_file = out / "chat_template.jinja"
        if template_file.exists():
            config_file = out / "tokenizer_config.json"
            config = json.loads(config_file.read_text())
            config["chat_template"] = template_file.read_text()
            config_file.write_text(json.dumps(config, indent=2))
            template_file.unlink()
    return fast
