"""Pieces of the training loop kept out of train.py so it reads top to bottom: batching, metrics, state I/O."""
from __future__ import annotations

import json
import math
import random
from pathlib import Path

import torch


class LengthGroupedBatches(torch.utils.data.Sampler):
    """Batches of similar length (less padding): shuffle, sort inside mega-batches of 50, shuffle the batches."""

    def __init__(self, lengths: list[int], batch_size: int, seed: int, shuffle: bool = True):
        self.lengths, self.batch_size, self.seed, self.shuffle, self.epoch = lengths, batch_size, seed, shuffle, 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __iter__(self):
        order = list(range(len(self.lengths)))
        if not self.shuffle:
            order.sort(key=lambda i: self.lengths[i])
            yield from (order[i:i + self.batch_size] for i in range(0, len(order), self.batch_size))
            return
        rng = random.Random(self.seed + self.epoch)
        rng.shuffle(order)
        mega = self.batch_size * 50  # sort within groups of 50 batches: still random across groups
        batches = []
        for start in range(0, len(order), mega):
            group = sorted(order[start:start + mega], key=lambda i: self.lengths[i])
            batches += [group[i:i + self.batch_size] for i in range(0, len(group), self.batch_size)]
        rng.shuffle(batches)
        yield from batches

    def __len__(self) -> int:
        return math.ceil(len(self.lengths) / self.batch_size)


def collate(pad_id: int):
    def pad(examples: list[tuple[list[int], int]]) -> dict[str, torch.Tensor]:
        longest = max(len(ids) for ids, _ in examples)
        input_ids = torch.full((len(examples), longest), pad_id, dtype=torch.long)  # (batch, seq) [CLS] … [SEP] [PAD]…
        attention_mask = torch.zeros_like(input_ids)  # (batch, seq) 1 = real token
        for row, (ids, _) in enumerate(examples):
            input_ids[row, : len(ids)] = torch.tensor(ids)
            attention_mask[row, : len(ids)] = 1
        labels = torch.tensor([label for _, label in examples], dtype=torch.long)  # (batch,)
        return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}

    return pad


def classification_metrics(labels: list[str], gold: list[int], predicted: list[int]) -> dict:
    """Accuracy and macro-F1 over ALL examples (not averaged per batch), plus per-class P/R/F1."""
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    ids = list(range(len(labels)))
    precision, recall, f1, support = precision_recall_fscore_support(gold, predicted, labels=ids, zero_division=0)
    return {
        "examples": len(gold),
        "accuracy": float(accuracy_score(gold, predicted)),
        "macro_f1": float(f1_score(gold, predicted, labels=ids, average="macro", zero_division=0)),
        "per_class": {name: {"precision": float(precision[i]), "recall": float(recall[i]), "f1": float(f1[i]),
                             "support": int(support[i])} for i, name in enumerate(labels)},
    }


# ------------------------------------------------------------------------------------------ optimizer state I/O
def save_training_state(directory: Path, optimizer, scheduler, state: dict) -> None:
    """Optimizer tensors as safetensors, everything else as JSON — no pickle."""
    from safetensors.torch import save_file

    opt = optimizer.state_dict()
    tensors = {f"{param}.{key}": value.detach().cpu().contiguous()
               for param, values in opt["state"].items() for key, value in values.items() if torch.is_tensor(value)}
    scalars = {f"{param}.{key}": value for param, values in opt["state"].items()
               for key, value in values.items() if not torch.is_tensor(value)}
    tensors["torch_rng"] = torch.get_rng_state()
    save_file(tensors, str(directory / "optimizer.safetensors"))
    (directory / "trainer_state.json").write_text(json.dumps({
        **state, "param_groups": opt["param_groups"], "optimizer_scalars": scalars,
        "scheduler": scheduler.state_dict(), "python_rng": repr(random.getstate()),
    }, indent=1, default=str), encoding="utf-8")


def load_training_state(directory: Path, optimizer, scheduler) -> dict:
    import ast

    from safetensors.torch import load_file

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
    optimizer.load_state_dict({"state": state, "param_groups": saved.pop("param_groups")})
    scheduler.load_state_dict(saved.pop("scheduler"))
    torch.set_rng_state(tensors["torch_rng"])
    random.setstate(ast.literal_eval(saved.pop("python_rng")))
    return saved
