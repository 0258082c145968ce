"""Tiny random causal LMs built from a config (no hub, no download)."""

import torch
from transformers import LlamaConfig, LlamaForCausalLM


def tiny_llama(vocab: int = 19, seed: int = 0, dtype: torch.dtype = torch.float32) -> LlamaForCausalLM:
    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=vocab,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=64,
        tie_word_embeddings=True,
        bos_token_id=1,
        eos_token_id=2,
    )
    # No pad_token_id: an Embedding with padding_idx gets no gradient through that row (attribution.py).
    config._attn_implementation = "eager"
    return LlamaForCausalLM(config).to(dtype)
