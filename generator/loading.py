"""`load_responder`: the one way to load a saved responder, whichever backend wrote it.

Each backend's config file carries a `backend` key (`kogpt2`: `generator_config.json`, `retrieval`:
`responder_config.json`); a directory with only a Hugging Face `config.json`, or a hub id, is a KoGPT2 model.
Nothing heavy is imported until a backend is loaded.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator import model as kogpt2, retrieval
from generator.responder import Responder
from generator.retrieval import RetrievalResponder
from generator.tokenization import DEFAULT_KOGPT2
from training.files import looks_local, surviving_copy

CONFIG_FILES = {kogpt2.BACKEND: kogpt2.CONFIG_NAME, retrieval.BACKEND: retrieval.CONFIG_NAME}  # backend → its file
NEEDS_WEIGHTS = {kogpt2.BACKEND: True, retrieval.BACKEND: False}  # a saved KoGPT2 has *.safetensors beside its config


def saved_backend(directory: str | Path) -> str | None:
    """The `backend` a responder directory was saved with, or None when it holds no responder config."""
    directory = Path(directory)
    for default, name in CONFIG_FILES.items():
        if (directory / name).is_file():
            try:
                backend = json.loads((directory / name).read_text(encoding="utf-8")).get("backend", default)
            except (json.JSONDecodeError, AttributeError) as error:
                raise ValueError(
                    f"{directory / name}: not a JSON object ({error}); save the responder again"
                ) from None
            if backend not in CONFIG_FILES:
                raise ValueError(f"{directory / name}: backend {backend!r}; expected one of {', '.join(CONFIG_FILES)}")
            return backend
    return None


def checkpoint_problem(directory: str | Path) -> str | None:
    """What keeps `directory` from being a trained responder (one line), or None when it is one."""
    directory = Path(directory)
    if not directory.is_dir():
        return f"no {directory}/ — train with `python -m generator.train --output_dir {directory}`"
    backend = saved_backend(directory)
    if backend is None:
        return f"{directory}/ has no {' or '.join(CONFIG_FILES.values())}"
    if NEEDS_WEIGHTS[backend] and not any(directory.glob("*.safetensors")):
        return f"{directory}/ has no *.safetensors weights"
    return None


def load_responder(
    dir_or_hub_id: str | Path = DEFAULT_KOGPT2, device: str | None = "auto", quantize: bool = False
) -> Responder:
    """The responder saved in a directory (`save_pretrained`, `generator.train`), or a KoGPT2 hub id.

    The backend comes from the directory's saved `backend` key; `device` and `quantize` (the CPU int8 option)
    apply to KoGPT2. A name that looks like a path (`training.files.looks_local`: ./x, /x, ~/x, a/b/c,
    checkpoints/…, or anything that exists) is never looked up on the hub: a missing one fails at once with what
    to do.
    """
    if looks_local(dir_or_hub_id):
        path = surviving_copy(Path(dir_or_hub_id).expanduser())
        if not path.is_dir():
            raise FileNotFoundError(
                f"{dir_or_hub_id}: no trained generator there (no such directory) — train one with `python -m "
                f"generator.train --data_dir DATA --output_dir {dir_or_hub_id}`, or give a hub id such as "
                f"{DEFAULT_KOGPT2}"
            )
        dir_or_hub_id = path
        if saved_backend(path) == retrieval.BACKEND:
            return RetrievalResponder.from_pretrained(path)
    return kogpt2.ResponseGenerator.from_pretrained(dir_or_hub_id, device=device, quantize=quantize)
