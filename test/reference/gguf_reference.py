"""Reference side of cliplab's GGUF checks, driven by Node tests (test/engine/hf/gguf*.test.ts).

gguf-py (llama.cpp's Python package) writes and dequantizes GGUF files; transformers loads them
through its own GGUF support (`from_pretrained(..., gguf_file=...)`). Run as
`gguf_reference.py serve`: one JSON request per stdin line, one JSON answer per stdout line.

  quants    {seed}                           -> {<type>: {raw, values, count}} random weights
                                                quantized by gguf-py and its dequantization (base64)
  make      {out, seed, tied}                -> {file} a tiny random Llama as GGUF, every weight
                                                format in use, Q and K permuted as llama.cpp does
  logits    {file, input_ids}                -> {logits} (transformers, float32, eager attention)
  tokenize  {file, texts, chats}             -> {ids, chat_text, chat_ids}
  generate  {file, input_ids, max_new_tokens, eos_token_id} -> {tokens} (greedy)
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import numpy as np
import torch
from gguf import (
    MODEL_ARCH,
    GGMLQuantizationType,
    GGUFWriter,
    TokenType,
    get_tensor_name_map,
)
from gguf.quants import dequantize, quantize
from transformers import AutoModelForCausalLM, AutoTokenizer, LlamaConfig

sys.path.insert(0, str(Path(__file__).parent))
import hf_tokenizers
import line_server

Q = GGMLQuantizationType
# The weight formats cliplab reads, given in turn to the 2-D weights of the tiny model.
FORMATS = [Q.Q4_0, Q.Q4_1, Q.Q8_0, Q.F16, Q.BF16, Q.F32]


def b64(a: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(a).tobytes()).decode()


def quants(seed: int) -> dict:
    """Each format's bytes for random weights (with an all-zero block and tiny and large values)
    and gguf-py's float32 dequantization of them."""
    rng = np.random.default_rng(seed)
    w = (
        rng.standard_normal((4, 256)) * rng.choice([1e-6, 0.02, 1.0, 300.0], (4, 1))
    ).astype(np.float32)
    w[0, :32] = 0  # a block whose scale is 0
    out = {}
    for qtype in FORMATS:
        raw = (
            quantize(w, qtype)
            if qtype not in (Q.F16, Q.F32)
            else w.astype(np.float16 if qtype == Q.F16 else np.float32)
        )
        values = dequantize(raw.view(np.uint8).reshape(w.shape[0], -1), qtype).astype(
            np.float32
        )
        out[qtype.name] = {
            "type": int(qtype),
            "count": int(w.size),
            "raw": b64(raw),
            "values": b64(values),
        }
    return out


def permute_rotary(w: np.ndarray, heads: int) -> np.ndarray:
    """llama.cpp's convert script's row order for W_q / W_k: each head's halves interleaved."""
    return (
        w.reshape(heads, 2, w.shape[0] // heads // 2, *w.shape[1:])
        .swapaxes(1, 2)
        .reshape(w.shape)
    )


def tiny_llama(vocab: int, tied: bool, seed: int) -> torch.nn.Module:
    cfg = LlamaConfig(
        vocab_size=vocab,
        hidden_size=64,
        intermediate_size=96,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=256,
        rms_norm_eps=1e-5,
        tie_word_embeddings=tied,
        rope_parameters={"rope_type": "default", "rope_theta": 50000.0},
    )
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(cfg)
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=gen)
            p.copy_(1 + 0.2 * noise if p.dim() == 1 else 0.25 * noise)
    return model


def add_tokenizer(w: GGUFWriter, vocab: int) -> None:
    """A SmolLM2-style tokenizer (single digits + byte-level BPE, ChatML) as tokenizer.ggml.* keys."""
    tok, _ = hf_tokenizers.build("chatml", vocab)
    model = json.loads(tok.to_str())["model"]
    specials = {t.content for t in tok.get_added_tokens_decoder().values()}
    tokens = [tok.id_to_token(i) for i in range(tok.get_vocab_size())]
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("smollm")
    w.add_token_list(tokens)
    w.add_token_types(
        [TokenType.CONTROL if t in specials else TokenType.NORMAL for t in tokens]
    )
    w.add_token_merges(
        [m if isinstance(m, str) else " ".join(m) for m in model["merges"]]
    )
    w.add_bos_token_id(tok.token_to_id("<|im_start|>"))
    w.add_eos_token_id(tok.token_to_id("<|im_end|>"))
    w.add_unk_token_id(tok.token_to_id("<|endoftext|>"))
    w.add_pad_token_id(tok.token_to_id("<|endoftext|>"))
    w.add_add_bos_token(False)
    w.add_chat_template(hf_tokenizers.CHATML_TEMPLATE)


def make(out: Path, seed: int, tied: bool) -> dict:
    vocab = hf_tokenizers.build("chatml", 384)[0].get_vocab_size()
    model = tiny_llama(vocab, tied, seed)
    cfg = model.config
    out.mkdir(parents=True, exist_ok=True)
    file = out / f"tiny-llama-{'tied' if tied else 'untied'}.gguf"
    w = GGUFWriter(str(file), "llama")
    w.add_context_length(cfg.max_position_embeddings)
    w.add_embedding_length(cfg.hidden_size)
    w.add_block_count(cfg.num_hidden_layers)
    w.add_feed_forward_length(cfg.intermediate_size)
    w.add_head_count(cfg.num_attention_heads)
    w.add_head_count_kv(cfg.num_key_value_heads)
    w.add_rope_freq_base(50000.0)
    w.add_rope_dimension_count(cfg.hidden_size // cfg.num_attention_heads)
    w.add_layer_norm_rms_eps(cfg.rms_norm_eps)
    w.add_vocab_size(vocab)
    add_tokenizer(w, 384)
    names = get_tensor_name_map(MODEL_ARCH.LLAMA, cfg.num_hidden_layers)
    formats = iter(FORMATS * 8)
    for hf_name, p in model.state_dict().items():
        if tied and hf_name == "lm_head.weight":
            continue
        base, suffix = hf_name.rsplit(".", 1)
        data = p.numpy().astype(np.float32)
        if base.endswith("q_proj"):
            data = permute_rotary(data, cfg.num_attention_heads)
        if base.endswith("k_proj"):
            data = permute_rotary(data, cfg.num_key_value_heads)
        name = f"{names.get_name(base)}.{suffix}"
        qtype = next(formats) if data.ndim == 2 else Q.F32
        if qtype == Q.F32:
            w.add_tensor(name, data)
        elif qtype == Q.F16:
            w.add_tensor(name, data.astype(np.float16))
        else:
            w.add_tensor(name, quantize(data, qtype), raw_dtype=qtype)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return {"file": str(file)}


_models: dict[str, torch.nn.Module] = {}


def load(file: str):
    """transformers' own GGUF loading (dequantized to float32), kept for the file's later requests."""
    if file not in _models:
        path = Path(file)
        _models[file] = AutoModelForCausalLM.from_pretrained(
            str(path.parent),
            gguf_file=path.name,
            dtype=torch.float32,
            attn_implementation="eager",
        ).eval()
    return _models[file]


def tokenizer(file: str):
    path = Path(file)
    return AutoTokenizer.from_pretrained(str(path.parent), gguf_file=path.name)


def logits(file: str, input_ids: list[list[int]]) -> dict:
    with torch.no_grad():
        out = load(file)(input_ids=torch.tensor(input_ids)).logits
    return {"logits": out.tolist()}


def tokenize(file: str, texts: list[str], chats: list[list[dict]]) -> dict:
    tok = tokenizer(file)
    chat_text = [
        tok.apply_chat_template(c, tokenize=False, add_generation_prompt=True)
        for c in chats
    ]
    return {
        "ids": [tok(t, add_special_tokens=False)["input_ids"] for t in texts],
        "chat_text": chat_text,
        "chat_ids": [tok(t, add_special_tokens=False)["input_ids"] for t in chat_text],
    }


def generate(
    file: str, input_ids: list[list[int]], max_new_tokens: int, eos: list[int]
) -> dict:
    ids = torch.tensor(input_ids)
    with torch.no_grad():
        out = load(file).generate(
            input_ids=ids,
            attention_mask=torch.ones_like(ids),
            max_new_tokens=max_new_tokens,
            do_sample=False,
            eos_token_id=eos,
            pad_token_id=0,
        )
    return {"tokens": out[:, ids.shape[1] :].tolist()}


HANDLERS = {
    "quants": lambda r: quants(r.get("seed", 1)),
    "make": lambda r: make(Path(r["out"]), r.get("seed", 1), r.get("tied", True)),
    "logits": lambda r: logits(r["file"], r["input_ids"]),
    "tokenize": lambda r: tokenize(r["file"], r["texts"], r.get("chats", [])),
    "generate": lambda r: generate(
        r["file"], r["input_ids"], r["max_new_tokens"], r["eos_token_id"]
    ),
}


if __name__ == "__main__":
    torch.set_num_threads(1)
    if sys.argv[1:] != ["serve"]:
        raise SystemExit("usage: gguf_reference.py serve")
    line_server.serve(HANDLERS)
