"""The HF benchmark's PyTorch side: the same checkpoint, prompts and batch as cliplab, timed with
transformers (KV-cache sampling with generate) and a TRL-equivalent GRPO loss (per-token log-probs
at the temperature, the clipped surrogate with decoupled bounds, token-mean as TRL's "dapo" loss
type, entropies as TRL logs them), backward and an AdamW step; LoRA through PEFT.

A GGUF model comes as its folder and "gguf_file"; "full": false skips the full fine-tuning update.

Usage: python3 hf_torch.py < request.json   (prints one JSON line)
"""

from __future__ import annotations

import json
import re
import sys
import time

import torch
from peft import LoraConfig, get_peft_model
from transformers import AutoModelForCausalLM


def blas() -> str:
    """The BLAS torch was built with, from torch.__config__.show()."""
    info = torch.__config__.show()
    found = re.search(r"BLAS_INFO=(\w+)", info)
    return found.group(1) if found else "unknown"


def load(path: str, gguf_file: str | None, lora: dict | None):
    """The model in float32 (a GGUF file's tensors dequantized by transformers), LoRA-wrapped if asked."""
    extra = {"gguf_file": gguf_file} if gguf_file else {}
    model = AutoModelForCausalLM.from_pretrained(
        path, dtype=torch.float32, attn_implementation="sdpa", **extra
    )
    if lora:
        cfg = LoraConfig(
            r=lora["rank"],
            lora_alpha=lora["alpha"],
            target_modules=lora["targets"],
            lora_dropout=0.0,
        )
        model = get_peft_model(model, cfg)
    return model


def best_of(reps: int, step) -> dict:
    """Fastest of `reps` runs, in wall-clock and in CPU seconds (all threads), the CPU time being what
    a busy machine distorts least."""
    wall, cpu = float("inf"), float("inf")
    for _ in range(reps):
        start, start_cpu = time.perf_counter(), time.process_time()
        step()
        wall, cpu = (
            min(wall, time.perf_counter() - start),
            min(cpu, time.process_time() - start_cpu),
        )
    return {"wall": wall, "cpu": cpu}


def time_sampling(model, req: dict) -> dict:
    ids = torch.tensor(req["prompts"])
    mask = torch.ones_like(ids)

    def step():
        with torch.no_grad():
            model.generate(
                input_ids=ids,
                attention_mask=mask,
                do_sample=True,
                temperature=1.0,
                top_p=1.0,
                top_k=0,
                max_new_tokens=req["new_tokens"],
                min_new_tokens=req["new_tokens"],
                use_cache=True,
                pad_token_id=0,
            )

    return best_of(req["reps"], step)


def grpo_loss(
    model,
    ids,
    prompt_len: int,
    old_logp,
    advantages,
    mask,
    temperature: float,
    eps_low: float,
    eps_high: float,
):
    """TRL's GRPO loss (loss_type "dapo": token-mean over the batch) with its entropy logging."""
    logits = model(input_ids=ids).logits[:, prompt_len - 1 : -1, :] / temperature
    logp_all = torch.log_softmax(logits, dim=-1)
    logp = logp_all.gather(-1, ids[:, prompt_len:].unsqueeze(-1)).squeeze(-1)
    with torch.no_grad():
        entropy = -(logp_all.exp() * logp_all).sum(-1)  # logged, as TRL does
    ratio = torch.exp(logp - old_logp)
    clipped = torch.clamp(ratio, 1 - eps_low, 1 + eps_high)
    per_token = -torch.min(ratio * advantages, clipped * advantages)
    return (per_token * mask).sum() / mask.sum(), entropy


def time_update(model, req: dict) -> dict:
    ids = torch.tensor(req["sequences"])
    old = torch.tensor(req["old_logp"])
    adv = torch.tensor(req["advantages"])
    mask = torch.tensor(req["mask"], dtype=torch.float32)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-6, weight_decay=0.0)

    def step():
        loss, _ = grpo_loss(
            model, ids, req["prompt_len"], old, adv, mask, 1.0, 0.2, 0.2
        )
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)

    return best_of(req["reps"], step)


def main() -> None:
    req = json.load(sys.stdin)
    out = {"torch": torch.__version__, "blas": blas(), "results": []}
    for threads in req["threads"]:
        torch.set_num_threads(threads)
        row = {"threads": torch.get_num_threads()}
        gguf = req.get("gguf_file")
        model = load(req["dir"], gguf, None).eval()
        row["sample"] = time_sampling(model, req)
        if req.get("full", True):
            model.train()
            row["update_full"] = time_update(model, req)
        del model
        lora_model = load(req["dir"], gguf, req["lora"]).train()
        row["update_lora"] = time_update(lora_model, req)
        out["results"].append(row)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
