"""Shared fixtures. `../shared` (real tokenizers and corpora) exists in development and CI but never on a
user's machine: every test that needs it goes through these fixtures and skips with a reason when absent."""
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("MAEUMCHAT_SHARED", REPO.parent / "shared"))


def shared_path(relative: str) -> Path:
    """Path of a file under ../shared, or skip the calling test with the reason."""
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"{path} not present (../shared is only available in development and CI)")
    return path


@pytest.fixture(scope="session")
def shared_data_dir() -> Path:
    return shared_path("data")


@pytest.fixture(scope="session")
def kobert_tokenizer_dir() -> Path:
    return shared_path("tokenizers/kobert")


@pytest.fixture(scope="session")
def kogpt2_tokenizer_dir() -> Path:
    return shared_path("tokenizers/kogpt2")
