"""Length-grouped batches: the batch sampler both training loops use (little padding, still random order)."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any, cast

from torch.utils.data import DataLoader, Dataset


class LengthGroupedBatches:
    """Batches of similar length (little padding) in random order: shuffle, sort within mega-batches, cut, shuffle.

    A batch sampler for `DataLoader(batch_sampler=…)`; `set_epoch` reshuffles deterministically per epoch;
    `shuffle=False` (evaluation) gives length-sorted batches.
    """

    def __init__(
        self,
        lengths: Sequence[int],
        batch_size: int,
        seed: int = 42,
        shuffle: bool = True,
        mega_batch_factor: int = 50,
    ):
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
            return [indices[i : i + self.batch_size] for i in range(0, len(indices), self.batch_size)]
        rng = random.Random(self.seed + self.epoch)
        rng.shuffle(indices)
        mega = self.batch_size * self.mega_batch_factor
        batches: list[list[int]] = []
        for start in range(0, len(indices), mega):
            chunk = sorted(indices[start : start + mega], key=lambda i: -self.lengths[i])
            batches.extend(chunk[i : i + self.batch_size] for i in range(0, len(chunk), self.batch_size))
        rng.shuffle(batches)
        return batches

    def __iter__(self):
        return iter(self._batches())

    def __len__(self) -> int:
        return (len(self.lengths) + self.batch_size - 1) // self.batch_size


def batch_loader(examples: Sequence, batches: LengthGroupedBatches, collate_fn: Callable):
    """A DataLoader over a list of examples (a list is all a Dataset needs to be) in `batches`."""
    return DataLoader(cast(Dataset[Any], examples), batch_sampler=batches, collate_fn=collate_fn)
