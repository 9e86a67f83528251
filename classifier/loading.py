"""load_classifier: pick the backend (KoBERT or light) from what the directory holds."""
from __future__ import annotations

import os
from pathlib import Path

from classifier.light import LIGHT_CONFIG  # numpy only; classifier.model (torch + transformers, ~2 s) loads lazily

CLASSIFIER_CONFIG = "classifier_config.json"  # = classifier.model.CLASSIFIER_CONFIG, not imported for the reason above


def load_classifier(name_or_dir: str | os.PathLike, device: str = "auto", **overrides):
    """EmotionClassifier for a KoBERT checkpoint (dir or hub id), LightEmotionClassifier for a light one.

    `overrides` go to EmotionClassifier (e.g. `long_text="window"`); the light backend takes none. A name that
    looks like a path (see `data.files.looks_local`) is never looked up on the hub: a missing one fails at once.
    """
    from data.files import looks_local, surviving_copy

    path = surviving_copy(Path(name_or_dir).expanduser()) if looks_local(name_or_dir) else Path(name_or_dir)
    if path.is_dir():
        if (path / LIGHT_CONFIG).is_file():
            from classifier.light import LightEmotionClassifier

            if overrides:
                options = ", ".join(f"{k}={v!r}" for k, v in sorted(overrides.items()))
                raise ValueError(f"{name_or_dir} is a light classifier: {options} applies to KoBERT classifiers only "
                                 f"(leave it out, e.g. drop --long_text)")
            return LightEmotionClassifier.from_pretrained(path, device=device)
        if not (path / CLASSIFIER_CONFIG).is_file():
            raise FileNotFoundError(
                f"{path}: neither {CLASSIFIER_CONFIG} (KoBERT) nor {LIGHT_CONFIG} (light) — train one with "
                f"`python -m classifier.train --label_set six --output_dir {path}`")
    elif looks_local(name_or_dir):
        raise FileNotFoundError(
            f"{name_or_dir}: no trained classifier there (no such directory) — train one with `python -m "
            f"classifier.train --train_file FILE --label_set six --output_dir {name_or_dir}` or give another path")
    from classifier.model import EmotionClassifier

    return EmotionClassifier.from_pretrained(path, device=device, **overrides)
