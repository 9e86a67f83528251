"""Where a model runs and in what precision: one choice for training, evaluation, prediction and timing."""

from __future__ import annotations

from contextlib import AbstractContextManager

import torch


def resolve_device(device=None) -> torch.device:
    """ "auto" (or None) → CUDA when present, else CPU; anything else as torch reads it ("cpu", "cuda:1", …)."""
    if device is None or str(device) == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def use_bf16(device: torch.device, cpu: bool = False) -> bool:
    """Whether to compute in bf16: on a CUDA device that supports it (half the memory and time, and unlike fp16
    no overflow in GPT-2); on CPU only when asked (`cpu=True`), since it is faster there only on an idle CPU
    with AVX512-BF16 and large models (bench/bench_classifier.py measures it)."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    return device.type == "cpu" and cpu


def compute_dtype(device: torch.device, cpu: bool = False) -> torch.dtype:
    """The dtype that `use_bf16` chooses for `device`: bf16 or fp32 (never fp16, which GPT-2 can overflow)."""
    return torch.bfloat16 if use_bf16(device, cpu=cpu) else torch.float32


def autocast(device: torch.device, enabled: bool) -> AbstractContextManager:
    """bf16 autocast on `device` when `enabled` (decide it with `use_bf16`); a no-op context otherwise."""
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=enabled)
