"""What every emotion classifier is: the `Classifier` protocol both backends satisfy, and the file each one's
saved directory is recognised by (its config, which holds the `backend` key `load_classifier` reads)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol, overload, runtime_checkable

from classifier.prediction import Prediction

CONFIG_FILES = {"kobert": "classifier_config.json", "light": "light_config.json"}  # backend → its saved config
LONG_TEXT_MODES = {  # KoBERT's long_text setting → how a text over max_seq_len tokens is read
    "truncate": "its first tokens",
    "window": "the average over overlapping windows",
}


@runtime_checkable
class Classifier(Protocol):
    """Reads the emotion of messages: `EmotionClassifier` (KoBERT) and `LightEmotionClassifier` (TF-IDF)."""

    @property
    def labels(self) -> list[str]:
        """The label names, in the order of the model's outputs."""
        ...

    @overload
    def predict(self, text: str) -> Prediction: ...

    @overload
    def predict(self, text: list[str]) -> list[Prediction]: ...

    def predict(self, text: str | list[str]) -> Prediction | list[Prediction]:
        """One text → its Prediction; a list → one Prediction per text, in order."""
        ...

    def save_pretrained(
        self, directory: str | os.PathLike, *, training_args: dict | None = None, metrics: dict | None = None
    ) -> Path:
        """Write the model atomically to `directory` (with training_args.json / metrics.json when given)."""
        ...
