"""Reference side of cliplab's Hugging Face checks, driven by Node tests (test/engine/hf/support.ts).

Run as `hf_reference.py serve`: one JSON request per stdin line, one JSON answer per stdout line,
so a test file pays for importing torch and transformers once. Requests (`cmd` plus arguments):

  make      {arch, out, dtype?, shard?, seed?}   a tiny random checkpoint built with transformers
  logits    {dir, input_ids, attention_mask?}    -> {logits}
  tokenize  {dir, texts, chats}                  -> {ids, plain_ids, decoded, chat_text, chat_ids}
  grpo      {dir, ...one clipped GRPO batch}     -> {loss, logp, entropy, grads}
  generate  {dir, input_ids, attention_mask, max_new_tokens, eos_token_id?} -> {tokens} (greedy)

Models run in float32 with eager attention.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch
from transformers import (
    AutoModelForCausalLM,
    AutoTokenizer,
    GenerationConfig,
    GPT2Config,
    LlamaConfig,
    MistralConfig,
    Qwen2Config,
    Qwen3Config,
)

sys.path.insert(0, str(Path(__file__).parent))
import hf_tokenizers
import line_server

VOCAB = 384  # tokenizer size; model vocabularies are a little larger, as real ones are padded

LLAMA_DIMS = {
    "hidden_size": 32,
    "intermediate_size": 48,
    "num_hidden_layers": 2,
    "max_position_embeddings": 256,
}


def config_for(arch: str):
    """(config, tokenizer style) of each supported architecture, small and with its distinctive parts."""
    if arch == "llama":
        return LlamaConfig(
            **LLAMA_DIMS,
            vocab_size=VOCAB + 16,
            num_attention_heads=4,
            num_key_value_heads=2,
        ), "llama3"
    if arch == "llama3":
        rope = {
            "rope_type": "llama3",
            "factor": 8.0,
            "low_freq_factor": 1.0,
            "high_freq_factor": 4.0,
            "original_max_position_embeddings": 32,
            "rope_theta": 500000.0,
        }
        cfg = LlamaConfig(
            **LLAMA_DIMS,
            vocab_size=VOCAB,
            num_attention_heads=4,
            num_key_value_heads=1,
            tie_word_embeddings=True,
            attention_bias=True,
            mlp_bias=True,
            rope_parameters=rope,
        )
        return cfg, "llama3"
    if arch == "qwen2":
        cfg = Qwen2Config(
            **LLAMA_DIMS,
            vocab_size=VOCAB + 8,
            num_attention_heads=4,
            num_key_value_heads=2,
            tie_word_embeddings=True,
        )
        return cfg, "chatml"
    if arch == "qwen3":
        rope = {
            "rope_type": "yarn",
            "factor": 4.0,
            "original_max_position_embeddings": 64,
            "rope_theta": 1e6,
        }
        cfg = Qwen3Config(
            **LLAMA_DIMS,
            vocab_size=VOCAB,
            num_attention_heads=4,
            num_key_value_heads=2,
            head_dim=16,
            rope_parameters=rope,
        )
        return cfg, "chatml"
    if arch == "mistral":
        rope = {"rope_type": "linear", "factor": 2.0, "rope_theta": 10000.0}
        cfg = MistralConfig(
            **LLAMA_DIMS,
            vocab_size=VOCAB,
            num_attention_heads=4,
            num_key_value_heads=4,
            sliding_window=None,
            rope_parameters=rope,
        )
        return cfg, "llama3"
    if arch == "gpt2":
        cfg = GPT2Config(
            n_embd=32,
            n_layer=2,
            n_head=4,
            n_positions=256,
            vocab_size=VOCAB,
            bos_token_id=0,
            eos_token_id=0,
        )
        return cfg, "gpt2"
    raise SystemExit(f"unknown architecture {arch}")


def randomize(model: torch.nn.Module, seed: int) -> None:
    """Weights large enough that a wrong op shows in the logits; norm gains and biases away from 1 and 0."""
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=gen)
            if (
                p.dim() == 1
                and ("norm" in name or "ln_" in name)
                and name.endswith("weight")
            ):
                p.copy_(1 + 0.2 * noise)
            elif p.dim() == 1:
                p.copy_(0.2 * noise)
            else:
                p.copy_(0.25 * noise)


def legacy_rope(out: Path) -> None:
    """Rewrites config.json in the transformers-4 layout (rope_theta + rope_scaling), as hub checkpoints have it."""
    path = out / "config.json"
    cfg = json.loads(path.read_text())
    params = cfg.pop("rope_parameters")
    cfg["rope_theta"] = params.pop("rope_theta")
    cfg["rope_scaling"] = None if params.get("rope_type") == "default" else params
    path.write_text(json.dumps(cfg, indent=2))


def make(
    arch: str, out: Path, dtype: str, shard: bool, seed: int, dims: dict | None = None
) -> dict:
    config, style = config_for(arch)
    for key, value in (dims or {}).items():  # larger models for the benchmark
        setattr(config, key, value)
    tok = hf_tokenizers.save(style, out, VOCAB)
    config.bos_token_id = tok.bos_token_id
    config.eos_token_id = tok.eos_token_id
    config.pad_token_id = tok.pad_token_id
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config)
    randomize(model, seed)
    model = model.to(getattr(torch, dtype))
    model.save_pretrained(str(out), max_shard_size="60KB" if shard else "10GB")
    eos = [tok.eos_token_id] + (
        [tok.convert_tokens_to_ids("<|end_of_text|>")] if style == "llama3" else []
    )
    GenerationConfig(eos_token_id=eos, bos_token_id=tok.bos_token_id).save_pretrained(
        str(out)
    )
    if arch == "llama3":
        legacy_rope(out)
    return {"dir": str(out), "params": sum(p.numel() for p in model.parameters())}


def load(path: str):
    return AutoModelForCausalLM.from_pretrained(
        path, dtype=torch.float32, attn_implementation="eager"
    ).eval()


def positions(mask: torch.Tensor) -> torch.Tensor:
    """Position ids of left-padded rows: the first real token is at 0 (what generate() passes)."""
    return (mask.cumsum(-1) - 1).clamp(min=0)


def logits(path: str, req: dict) -> dict:
    model = load(path)
    ids = torch.tensor(req["input_ids"])
    mask = (
        torch.tensor(req["attention_mask"])
        if "attention_mask" in req
        else torch.ones_like(ids)
    )
    with torch.no_grad():
        out = model(
            input_ids=ids, attention_mask=mask, position_ids=positions(mask)
        ).logits
    return {"logits": out.tolist()}


def tokenize(path: str, req: dict) -> dict:
    tok = AutoTokenizer.from_pretrained(path)
    chats = req.get("chats", [])
    texts = (
        [
            tok.apply_chat_template(c, tokenize=False, add_generation_prompt=True)
            for c in chats
        ]
        if tok.chat_template
        else []
    )
    return {
        "ids": [tok(t)["input_ids"] for t in req["texts"]],
        "plain_ids": [
            tok(t, add_special_tokens=False)["input_ids"] for t in req["texts"]
        ],
        "decoded": [
            tok.decode(tok(t)["input_ids"], skip_special_tokens=True)
            for t in req["texts"]
        ],
        "chat_text": texts,
        "chat_ids": [tok(t, add_special_tokens=False)["input_ids"] for t in texts],
    }


def generate(path: str, req: dict) -> dict:
    """Greedy continuations of left-padded prompts with transformers' generate (KV cache on)."""
    model = load(path)
    ids = torch.tensor(req["input_ids"])
    mask = torch.tensor(req["attention_mask"])
    with torch.no_grad():
        out = model.generate(
            input_ids=ids,
            attention_mask=mask,
            max_new_tokens=req["max_new_tokens"],
            do_sample=False,
            eos_token_id=req.get("eos_token_id"),
            pad_token_id=req.get("pad_token_id", 0),
        )
    return {"tokens": out[:, ids.shape[1] :].tolist()}


def token_logp_entropy(model, ids, mask, prompt_len: int, temperature: float):
    """log pi(o_t) and the exact entropy at each response position, as verl and TRL compute them."""
    out = model(input_ids=ids, attention_mask=mask, position_ids=positions(mask)).logits
    logits = out[:, prompt_len - 1 : -1, :] / temperature
    logp_all = torch.log_softmax(logits, dim=-1)
    targets = ids[:, prompt_len:]
    logp = logp_all.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    entropy = -(logp_all.exp() * logp_all).sum(-1)
    return logp, entropy


def clipped_pg_loss(
    logp, old_logp, advantages, response_mask, eps_low: float, eps_high: float
):
    """The PPO/GRPO clipped surrogate, token-mean: sum(max(-A r, -A clip(r))) / sum(mask)."""
    ratio = torch.exp(logp - old_logp)
    per_token = torch.maximum(
        -advantages * ratio, -advantages * torch.clamp(ratio, 1 - eps_low, 1 + eps_high)
    )
    return (per_token * response_mask).sum() / response_mask.sum()


def grpo(path: str, req: dict) -> dict:
    """One clipped GRPO loss and its gradient w.r.t. every parameter (full fine-tuning) or the LoRA adapters."""
    model = load(path)
    named = dict(model.named_parameters())
    lora = req.get("lora")
    if lora:
        named = attach_lora(model, lora)
    ids = torch.tensor(req["input_ids"])
    mask = torch.tensor(req["attention_mask"])
    logp, entropy = token_logp_entropy(
        model, ids, mask, req["prompt_len"], req["temperature"]
    )
    response_mask = torch.tensor(req["response_mask"], dtype=torch.float32)
    loss = clipped_pg_loss(
        logp,
        torch.tensor(req["old_logp"]),
        torch.tensor(req["advantages"]),
        response_mask,
        req["clip_low"],
        req["clip_high"],
    )
    loss.backward()
    grads = {
        n: p.grad.tolist() if p.grad is not None else None for n, p in named.items()
    }
    return {
        "loss": loss.item(),
        "logp": logp.tolist(),
        "entropy": entropy.tolist(),
        "grads": grads,
    }


def attach_lora(model, lora: dict) -> dict:
    """LoRA by hand on the target modules: y = W x + scale * B(A(x)), A and B given (our [in, r], [r, out])."""
    params = {}
    for name, module in model.named_modules():
        if name not in lora["layers"]:
            continue
        spec = lora["layers"][name]
        a = torch.tensor(spec["A"], requires_grad=True)
        b = torch.tensor(spec["B"], requires_grad=True)
        base = module.forward
        module.forward = lambda x, base=base, a=a, b=b: (
            base(x) + lora["scale"] * (x @ a) @ b
        )
        params[f"{name}.A"] = a
        params[f"{name}.B"] = b
    for p in model.parameters():
        p.requires_grad_(False)
    return params


HANDLERS = {
    "make": lambda r: make(
        r["arch"],
        Path(r["out"]),
        r.get("dtype", "float32"),
        r.get("shard", False),
        r.get("seed", 1),
        r.get("dims"),
    ),
    "logits": lambda r: logits(r["dir"], r),
    "tokenize": lambda r: tokenize(r["dir"], r),
    "grpo": lambda r: grpo(r["dir"], r),
    "generate": lambda r: generate(r["dir"], r),
}


if __name__ == "__main__":
    torch.set_num_threads(1)
    if sys.argv[1:] != ["serve"]:
        raise SystemExit("usage: hf_reference.py serve")
    line_server.serve(HANDLERS)
