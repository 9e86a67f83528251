"""`load_generator`: the one entry point `chatbot` uses to get a KoGPT2 generator."""
from __future__ import annotations

from pathlib import Path

from generator.tokenization import DEFAULT_KOGPT2


def load_generator(dir_or_hub_id: str | Path = DEFAULT_KOGPT2, device: str | None = "auto", quantize: bool = False):
    """`ResponseGenerator` from a directory written by `save_pretrained` (or `generator.train`) or a hub id.

    `quantize=True` gives the CPU int8 model (about half the per-token time; see bench/bench_generator.py).
    """
    from generator.model import ResponseGenerator

    return ResponseGenerator.from_pretrained(dir_or_hub_id, device=device, quantize=quantize)
