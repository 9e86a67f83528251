"""Training plumbing shared by the classifier and generator: length-grouped batches, device choice, resume state.

Kept here (below both model packages) so the two explicit loops use one implementation. Resume state is
safetensors + JSON — never pickle. torch is imported only inside the state functions.
"""
from __future__ import annotations

import ast
import json
import random
from collections.abc import Sequence
from pathlib import Path


class LengthGroupedBatches:
    """Batches of similar length (little padding) in random order: shuffle, sort within mega-batches, cut, shuffle.

    A batch sampler for `DataLoader(batch_sampler=…)`; `set_epoch` reshuffles deterministically per epoch;
    `shuffle=False` (evaluation) gives length-sorted batches.
    """

    def __init__(self, lengths: Sequence[int], batch_size: int, seed: int = 42, shuffle: bool = True,
                 mega_batch_factor: int = 50):
        if batch_size < 1:
            raise ValueError(f"batch_size={batch_size}: expected at least 1")
        self.lengths, self.batch_size, self.seed, self.shuffle = list(lengths), batch_size, seed, shuffle
        self.mega_batch_factor = mega_batch_factor  # 50 batches sorted together: low padding, still random
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def _batches(self) -> list[list[int]]:
        indices = list(range(len(self.lengths)))
        if not self.shuffle:  # evaluation: sorted by length, order irrelevant
            indices.sort(key=lambda i: self.lengths[i])
            return [indices[i:i + self.batch_size] for i in range(0, len(indices), self.batch_size)]
        rng = random.Random(self.seed + self.epoch)
        rng.shuffle(indices)
        mega = self.batch_size * self.mega_batch_factor
        batches = []
        for start in range(0, len(indices), mega):
            chunk = sorted(indices[start:start + mega], key=lambda i: -self.lengths[i])
            batches.extend(chunk[i:i + self.batch_size] for i in range(0, len(chunk), self.batch_size))
        rng.shuffle(batches)
        return batches

    def __iter__(self):
        return iter(self._batches())

    def __len__(self) -> int:
        return (len(self.lengths) + self.batch_size - 1) // self.batch_size


def resolve_device(device=None):
    """"auto" (or None) → CUDA when present, else CPU; anything else as torch reads it ("cpu", "cuda:1", …)."""
    import torch

    if device is None or str(device) == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def save_training_state(directory: Path, optimizer, scheduler, state: dict) -> None:
    """Optimizer tensors and torch RNG as safetensors, everything else (scheduler, progress) as JSON — no pickle."""
    import torch
    from safetensors.torch import save_file

    optimizer = getattr(optimizer, "optimizer", optimizer)  # accelerate wraps it
    opt = optimizer.state_dict()
    tensors = {f"{param}.{key}": value.detach().cpu().contiguous()
               for param, values in opt["state"].items() for key, value in values.items() if torch.is_tensor(value)}
    scalars = {f"{param}.{key}": value for param, values in opt["state"].items()
               for key, value in values.items() if not torch.is_tensor(value)}
    tensors["torch_rng"] = torch.get_rng_state()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(directory / "optimizer.safetensors"))
    (directory / "trainer_state.json").write_text(json.dumps({
        **state, "param_groups": opt["param_groups"], "optimizer_scalars": scalars,
        "scheduler": scheduler.state_dict(), "python_rng": repr(random.getstate()),
    }, indent=1, default=str), encoding="utf-8")


def load_training_state(directory: Path, optimizer, scheduler) -> dict:
    """Restore what `save_training_state` wrote into `optimizer` and `scheduler`; return the saved progress dict."""
    import torch
    from safetensors.torch import load_file

    directory = Path(directory)
    tensors = load_file(str(directory / "optimizer.safetensors"))
    saved = json.loads((directory / "trainer_state.json").read_text(encoding="utf-8"))
    state: dict = {}
    for name, value in tensors.items():
        if name != "torch_rng":
            param, key = name.split(".", 1)
            state.setdefault(int(param), {})[key] = value
    for name, value in saved.pop("optimizer_scalars").items():
        param, key = name.split(".", 1)
        state.setdefault(int(param), {})[key] = value
    getattr(optimizer, "optimizer", optimizer).load_state_dict({"state": state, "param_groups": saved.pop("param_groups")})
    scheduler.load_state_dict(saved.pop("scheduler"))
    torch.set_rng_state(tensors["torch_rng"])
    random.setstate(ast.literal_eval(saved.pop("python_rng")))
    return saved
