"""`load_generator`: the one entry point `chatbot` uses to get a KoGPT2 generator."""
from __future__ import annotations

from pathlib import Path

from generator.tokenization import DEFAULT_KOGPT2


def load_generator(dir_or_hub_id: str | Path = DEFAULT_KOGPT2, device: str | None = "auto", quantize: bool = False):
    """`ResponseGenerator` from a directory written by `save_pretrained` (or `generator.train`) or a hub id.

    A name that looks like a path (`training.files.looks_local`: ./x, /x, ~/x, a/b/c, checkpoints/…, or anything
    that exists) is never looked up on the hub: a missing one fails at once with what to do.

    `quantize=True` gives the CPU int8 model: about a quarter of the fp32 per-token time (measured on a quiet
    2-thread CPU with `python -m bench.bench_generator`: fp32 + KV cache 18.0 ms/token, int8 4.5 ms/token).
    """
    from training.files import looks_local, surviving_copy

    if looks_local(dir_or_hub_id):
        path = surviving_copy(Path(dir_or_hub_id).expanduser())
        if not path.is_dir():
            raise FileNotFoundError(
                f"{dir_or_hub_id}: no trained generator there (no such directory) — train one with `python -m "
                f"generator.train --data_dir DATA --output_dir {dir_or_hub_id}`, or give a hub id such as "
                f"{DEFAULT_KOGPT2}")
        dir_or_hub_id = path
    from generator.model import ResponseGenerator

    return ResponseGenerator.from_pretrained(dir_or_hub_id, device=device, quantize=quantize)
