"""Deterministic stratified train/validation/test splits with no sentence in two splits."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from data.records import DataError
from data.text import dedupe_key

T = TypeVar("T")


def _default_text(item: Any) -> str:
    """`item.text` for Utterance, `item.message` for DialogueExample."""
    text = getattr(item, "text", None)
    return text if text is not None else item.message


def _default_label(item: Any) -> object:
    return item.label


@dataclass
class Splits(Generic[T]):
    train: list[T]
    validation: list[T]
    test: list[T]

    def __iter__(self) -> Iterator[list[T]]:  # train, validation, test = split_dataset(...)
        return iter((self.train, self.validation, self.test))

    def sizes(self) -> dict[str, int]:
        return {"train": len(self.train), "validation": len(self.validation), "test": len(self.test)}


def split_dataset(
    items: Sequence[T],
    seed: int = 42,
    validation: float = 0.1,
    test: float = 0.1,
    label: Callable[[T], object] = _default_label,
    text: Callable[[T], str] = _default_text,
) -> Splits[T]:
    """Split `items` into train / validation / test.

    - grouped: items whose normalised text is equal (`data.text.dedupe_key`) always land in the same split, so no
      sentence is in two splits (a sentence with two labels, or a wellness utterance paired with several
      replies, moves as one group);
    - stratified: groups are split per label (a group's label is its most common one), each label giving
      round(n × fraction) groups to validation and test, and at least one group to train;
    - deterministic: the same items and seed give the same splits, whatever the input order.
    """
    for name, fraction in (("validation", validation), ("test", test)):
        if not 0 <= fraction < 1:
            raise DataError(f"split_dataset: {name}={fraction}; expected a fraction in [0, 1)")
    if validation + test >= 1:
        raise DataError(f"split_dataset: validation + test = {validation + test}; expected less than 1")
    groups: dict[str, list] = defaultdict(list)
    for item in items:
        groups[dedupe_key(text(item))].append(item)
    by_label: dict[str, list[str]] = defaultdict(list)
    for key, members in groups.items():
        counts = Counter(repr(label(member)) for member in members)
        top = max(counts.items(), key=lambda pair: (pair[1], pair[0]))[0]  # ties → deterministic
        by_label[top].append(key)
    rng = random.Random(seed)
    parts: dict[str, list[str]] = {"train": [], "validation": [], "test": []}
    for label_key in sorted(by_label):
        keys = sorted(by_label[label_key])
        rng.shuffle(keys)
        n = len(keys)
        n_test = min(round(n * test), max(n - 1, 0))
        n_validation = min(round(n * validation), max(n - 1 - n_test, 0))
        parts["test"] += keys[:n_test]
        parts["validation"] += keys[n_test : n_test + n_validation]
        parts["train"] += keys[n_test + n_validation :]
    # Items keep their input order inside each split.
    where = {key: name for name, keys in parts.items() for key in keys}
    result: dict[str, list[T]] = {"train": [], "validation": [], "test": []}
    for item in items:
        result[where[dedupe_key(text(item))]].append(item)
    return Splits(result["train"], result["validation"], result["test"])
