"""Pieces of the classifier loop kept out of train.py so it reads top to bottom: padding and metrics.

Length-grouped batches and resume state are shared with the generator: `training`."""

from __future__ import annotations

import torch

from classifier.model import pad_batch


def collate(pad_id: int):
    """DataLoader collate for (ids, label) pairs: the same dynamic padding as prediction, plus labels."""

    def pad(examples: list[tuple[list[int], int]]) -> dict[str, torch.Tensor]:
        batch = pad_batch([ids for ids, _ in examples], pad_id)  # (batch, seq) [CLS] … [SEP] [PAD]…
        batch["labels"] = torch.tensor([label for _, label in examples], dtype=torch.long)  # (batch,)
        return batch

    return pad


def classification_metrics(labels: list[str], gold: list[int], predicted: list[int]) -> dict:
    """Accuracy and macro-F1 over ALL examples (not averaged per batch), plus per-class P/R/F1."""
    from sklearn.metrics import (  # why: sklearn; `classifier.train --help` stays lighter
        accuracy_score,
        f1_score,
        precision_recall_fscore_support,
    )

    ids = list(range(len(labels)))
    precision, recall, f1, support = precision_recall_fscore_support(gold, predicted, labels=ids, zero_division=0)
    return {
        "examples": len(gold),
        "accuracy": float(accuracy_score(gold, predicted)),
        "macro_f1": float(f1_score(gold, predicted, labels=ids, average="macro", zero_division=0)),
        "per_class": {
            name: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i, name in enumerate(labels)
        },
    }
