"""CPU int8 option: GPT-2's `Conv1D` layers → `nn.Linear` → dynamic int8 quantization.

GPT-2 (hence KoGPT2) implements its projections with `transformers.pytorch_utils.Conv1D` (weight stored
(in, out)), which `quantize_dynamic` does not recognise, so they are converted to `nn.Linear` first (weight
transposed). The tied LM head (768 × 51,200, the largest matrix of the model) is quantized too, as an untied
copy. `torch.ao.quantization.quantize_dynamic` is deprecated (it warns); where a torch has removed it, a small
weight-only int8 linear (`torch._weight_int8pack_mm`) takes its place.
"""

from __future__ import annotations

import warnings

import torch
from transformers.pytorch_utils import Conv1D


def conv1d_to_linear(model):
    """Replace every `Conv1D` in `model` by an equivalent `nn.Linear` (in place; returns `model`)."""
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, Conv1D):
                in_features, out_features = child.weight.shape  # Conv1D keeps weight as (in, out)
                linear = torch.nn.Linear(in_features, out_features, bias=child.bias is not None)
                with torch.no_grad():
                    linear.weight.copy_(child.weight.t())
                    if child.bias is not None:
                        linear.bias.copy_(child.bias)
                setattr(parent, name, linear)
    return model


def _int8_weight_only_class():
    class _Int8WeightOnlyLinear(torch.nn.Module):
        """y = x · (int8 weight × per-row scale)ᵀ + b; used only where `quantize_dynamic` is gone."""

        weight_int8: torch.Tensor  # buffers, registered in __init__: typed here so they read as tensors
        scale: torch.Tensor
        bias: torch.Tensor | None

        def __init__(self, linear: torch.nn.Linear):
            super().__init__()
            weight = linear.weight.detach().float()  # (out, in)
            scale = weight.abs().amax(dim=1).clamp(min=1e-8) / 127.0  # (out,) — symmetric per output row
            self.register_buffer("weight_int8", torch.round(weight / scale[:, None]).to(torch.int8))
            self.register_buffer("scale", scale)
            self.register_buffer("bias", None if linear.bias is None else linear.bias.detach().float().clone())
            self.in_features, self.out_features = linear.in_features, linear.out_features

        def forward(self, x):
            shape = x.shape
            y = torch._weight_int8pack_mm(x.reshape(-1, shape[-1]).float(), self.weight_int8, self.scale)
            if self.bias is not None:
                y = y + self.bias
            return y.reshape(*shape[:-1], self.out_features).to(x.dtype)

    return _Int8WeightOnlyLinear


def quantize_int8(model):
    """Inference-only int8 copy of a GPT-2-style causal LM for CPU (eval mode). Weights stay fp32 on disk."""
    model = conv1d_to_linear(model.cpu().float().eval())
    if hasattr(model, "config"):
        model.config.tie_word_embeddings = False  # the quantized head is its own copy of the embedding matrix
    quantize_dynamic = getattr(getattr(torch, "ao", None) and torch.ao.quantization, "quantize_dynamic", None)
    if quantize_dynamic is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "torch.ao.quantization is deprecated" — known; fallback below
            return quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
    replacement = _int8_weight_only_class()
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if isinstance(child, torch.nn.Linear):
                setattr(parent, name, replacement(child))
    return model
