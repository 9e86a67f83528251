"""load_classifier: pick the backend (KoBERT or light) from what the directory holds."""
from __future__ import annotations

import os
from pathlib import Path

from classifier.light import LIGHT_CONFIG  # numpy only; classifier.model (torch + transformers, ~2 s) loads lazily

CLASSIFIER_CONFIG = "classifier_config.json"  # = classifier.model.CLASSIFIER_CONFIG, not imported for the reason above


def load_classifier(name_or_dir: str | os.PathLike, device: str = "auto", **overrides):
    """EmotionClassifier for a KoBERT checkpoint (dir or hub id), LightEmotionClassifier for a light one.

    `overrides` go to EmotionClassifier (e.g. `long_text="window"`); the light backend takes none.
    """
    path = Path(name_or_dir)
    if path.is_dir():
        if (path / LIGHT_CONFIG).is_file():
            from classifier.light import LightEmotionClassifier

            if overrides:
                raise TypeError(f"{path}: light classifier takes no options, got {sorted(overrides)}")
            return LightEmotionClassifier.from_pretrained(path, device=device)
        if not (path / CLASSIFIER_CONFIG).is_file():
            raise FileNotFoundError(
                f"{path}: neither {CLASSIFIER_CONFIG} (KoBERT) nor {LIGHT_CONFIG} (light) — train one with "
                f"`python -m classifier.train --output_dir {path}`")
    elif str(name_or_dir).startswith((".", os.sep)) or str(name_or_dir).count("/") != 1:  # hub ids are owner/name
        raise FileNotFoundError(f"{name_or_dir}: no such directory")
    from classifier.model import EmotionClassifier

    return EmotionClassifier.from_pretrained(name_or_dir, device=device, **overrides)
