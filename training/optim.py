"""AdamW with one weight-decay rule, and the schedule both trainers follow (warmup, then linear or cosine decay)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from tqdm.auto import tqdm
from transformers import get_scheduler


def decay_groups(model: torch.nn.Module, weight_decay: float) -> list[dict]:
    """AdamW parameter groups: `weight_decay` on weight matrices and embeddings; none on biases or on the
    parameters of normalisation layers (LayerNorm, RMSNorm, …), whose scale decay would only pull towards zero."""
    exempt = set()
    for module in model.modules():
        is_norm = "norm" in type(module).__name__.lower()
        for name, parameter in module.named_parameters(recurse=False):
            if is_norm or name == "bias":
                exempt.add(id(parameter))
    named = list(model.named_parameters())  # model order, shared (tied) parameters once
    return [
        {"params": [p for _, p in named if id(p) not in exempt], "weight_decay": weight_decay},
        {"params": [p for _, p in named if id(p) in exempt], "weight_decay": 0.0},
    ]


@dataclass(frozen=True)
class Schedule:
    """How many optimizer steps a run takes: per epoch (on each process), in all, and over how many epochs."""

    steps_per_epoch: int
    total_steps: int
    epochs: int

    @classmethod
    def of(cls, batches_per_epoch: int, args, processes: int = 1) -> Schedule:
        """From the unprepared loader's length; `args.max_train_steps` (when set) cuts the run short."""
        steps_per_epoch = max(1, math.ceil(batches_per_epoch / processes / args.gradient_accumulation_steps))
        total_steps = args.max_train_steps or steps_per_epoch * args.num_train_epochs
        return cls(steps_per_epoch, total_steps, min(args.num_train_epochs, math.ceil(total_steps / steps_per_epoch)))

    def bar(self, progress, desc: str, disable: bool = False):
        """A tqdm bar over the run's optimizer steps, starting where `progress` (a resumed run) stands."""
        return tqdm(total=self.total_steps, initial=progress.step, desc=desc, unit="step", disable=disable)


def optimizer_and_scheduler(model: torch.nn.Module, args, schedule: Schedule, processes: int = 1):
    """AdamW over `decay_groups`, and a warmup (`args.warmup_ratio` of the steps) then `args.lr_scheduler_type` decay.

    A scheduler prepared by accelerate steps once per process per optimizer step, hence the counts × `processes`.
    """
    optimizer = torch.optim.AdamW(decay_groups(model, args.weight_decay), lr=args.learning_rate)
    scheduler = get_scheduler(
        args.lr_scheduler_type,
        optimizer,
        num_warmup_steps=int(args.warmup_ratio * schedule.total_steps) * processes,
        num_training_steps=schedule.total_steps * processes,
    )
    return optimizer, scheduler
