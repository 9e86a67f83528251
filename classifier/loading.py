"""load_classifier: the one loader of the package; the backend comes from the `backend` key the directory saved."""

from __future__ import annotations

import json
import os
from pathlib import Path

from classifier.contract import CONFIG_FILES, Classifier
from training.files import looks_local, surviving_copy

TRAIN_HINT = "train one with `python -m classifier.train --train_file FILE --label_set six --output_dir {}`"


def saved_backend(directory: str | os.PathLike) -> str | None:
    """The `backend` a classifier directory was saved with ("kobert", "light"); None when it holds no classifier.

    A config file without a known `backend` key is an error naming the file.
    """
    directory = Path(directory)
    for name in CONFIG_FILES.values():
        path = directory / name
        if path.is_file():
            backend = json.loads(path.read_text(encoding="utf-8")).get("backend")
            if backend not in CONFIG_FILES:
                raise ValueError(
                    f"{path}: backend {backend!r} is none of {', '.join(CONFIG_FILES)}; not a "
                    f"classifier saved by this project ({TRAIN_HINT.format(directory)})"
                )
            return backend
    return None


def load_classifier(name_or_dir: str | os.PathLike, device: str = "auto", **overrides) -> Classifier:
    """`EmotionClassifier` or `LightEmotionClassifier`, as the directory's saved `backend` says; a hub id is a
    KoBERT classifier (the light backend is never published).

    `overrides` go to EmotionClassifier (e.g. `long_text="window"`); the light backend takes none. A name that
    looks like a path (see `training.files.looks_local`) is never looked up on the hub: a missing one fails at once.
    """
    local = looks_local(name_or_dir)
    path = surviving_copy(Path(name_or_dir).expanduser()) if local else Path(name_or_dir)
    backend = saved_backend(path) if path.is_dir() else None
    if backend is None and (local or path.is_dir()):
        missing = "no such directory" if not path.is_dir() else f"neither {' nor '.join(CONFIG_FILES.values())}"
        raise FileNotFoundError(
            f"{name_or_dir}: no trained classifier there ({missing}) — "
            f"{TRAIN_HINT.format(name_or_dir)}, or give another path"
        )
    if backend == "light":
        from classifier.light import LightEmotionClassifier  # why: a backend's library only when asked for

        if overrides:
            options = ", ".join(f"{k}={v!r}" for k, v in sorted(overrides.items()))
            raise ValueError(
                f"{name_or_dir} is a light classifier: {options} applies to KoBERT classifiers only "
                f"(leave it out, e.g. drop --long_text)"
            )
        return LightEmotionClassifier.from_pretrained(path, device=device)
    from classifier.model import EmotionClassifier  # why: a backend's library only when asked for

    return EmotionClassifier.from_pretrained(path if local else name_or_dir, device=device, **overrides)
